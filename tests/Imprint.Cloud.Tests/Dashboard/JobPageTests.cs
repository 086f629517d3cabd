using System.Net;
using Imprint.Sdk.Cloud;
using Imprint.Tests.Dashboard.Support;
using Imprint.Tests.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Imprint.Tests.Dashboard;

[Collection(DashboardCollection.Name)]
public sealed class JobPageTests(DashboardFixture fixture)
{
    [Fact]
    public async Task JobPage_AtTheImageIdUrl_ShowsStatusMetadataRestrictionsPoolsStationsAndLog()
    {
        var seed = await ProductionSeed.CreateAsync(fixture.Host, hours: 2);
        await using var browser = await fixture.OpenAsync();
        await browser.SignInAsync(seed.Owner.Credentials);

        // The link the image builder prints as "view online".
        var link = DashboardLinks.JobPage(seed.Owner.Credentials.CloudUrl, seed.Job.ImageId);
        link.ToString().ShouldBe($"{fixture.Host.BaseUrl}/jobs/{seed.Job.ImageId}");
        (await browser.GoAsync(link.ToString())).Status.ShouldBe(200);

        var page = browser.Page;
        await Expect(page.Locator(".status-box")).ToHaveClassAsync("status-box status-active");
        await Expect(page.Locator(".status-word")).ToHaveTextAsync("Active");
        var job = seed.Job;
        await Expect(Fact(page, "Unique id")).ToHaveTextAsync(job.ImageId);
        await Expect(Fact(page, "Device")).ToHaveTextAsync("STM32F103C8");
        await Expect(Fact(page, "SHA-256")).ToHaveTextAsync(job.ImageSha256);
        await Expect(Fact(page, "Build: tool")).ToHaveTextAsync("imprint 0.1.0");
        await Expect(Fact(page, "Maximum count")).ToContainTextAsync($"{job.Counters.Programmed} of 1,000 used, {job.Counters.Remaining:N0} remaining");
        await Expect(Tile(page, "Programmed")).ToHaveTextAsync(job.Counters.Programmed.ToString("N0"));
        var pool = (await seed.Owner.ListSerialPoolsAsync()).Single();
        var serialRow = page.Locator("section[aria-labelledby='serials-title'] tbody tr").First;
        await Expect(serialRow).ToContainTextAsync("0x0800FC00, 4 bytes");
        await Expect(serialRow.Locator("td.strong")).ToHaveTextAsync(pool.NextValue.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await Expect(page.GetByLabel("Every station of the factory, including ones provisioned later")).ToBeCheckedAsync();
        await Expect(page.Locator("#log tbody tr")).ToHaveCountAsync(10);

        // The job id works at the same place (links from the log use it).
        (await browser.GoAsync($"/jobs/{job.Id}")).Status.ShouldBe(200);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = job.Name, Level = 1 })).ToBeVisibleAsync();
        browser.ShouldHaveNoProblems();
    }

    [Fact]
    public async Task Pause_ChangesTheStatusBox_AndTheNextGrantIsRefused_ResumeAllowsItAgain()
    {
        var seed = await ProductionSeed.CreateAsync(fixture.Host, hours: 1);
        await using var browser = await fixture.OpenAsync();
        await browser.SignInAsync(seed.Owner.Credentials);
        await browser.GoAsync($"/jobs/{seed.Job.ImageId}");
        var page = browser.Page;

        await page.GetByText("Job actions").ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Pause" }).ClickAsync();

        await Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync($"Job '{seed.Job.Name}' is paused.");
        await Expect(page.Locator(".status-box")).ToHaveClassAsync("status-box status-paused");
        await Expect(page.Locator(".status-word")).ToHaveTextAsync("Paused");
        await Expect(page.Locator(".status-says")).ToHaveTextAsync("Paused: stations get no new grants until it is resumed.");
        page.Url.ShouldBe($"{fixture.Host.BaseUrl}/jobs/{seed.Job.ImageId}");
        (await seed.Owner.GetJobAsync(seed.Job.Id)).Status.ShouldBe(JobStatus.Paused);
        var refused = await Should.ThrowAsync<CloudApiException>(() => seed.Line1.Client.RequestGrantAsync(new GrantRequest(seed.Job.Id, null, 1)));
        refused.Status.ShouldBe(HttpStatusCode.Conflict);
        refused.Message.ShouldBe($"Job '{seed.Job.Id}' is paused; no units are granted.");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Pause" })).ToHaveCountAsync(0);

        await page.GetByText("Job actions").ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Resume" }).ClickAsync();
        await Expect(page.Locator(".status-word")).ToHaveTextAsync("Active");
        (await seed.Line1.Client.RequestGrantAsync(new GrantRequest(seed.Job.Id, null, 1))).Grant.Units.Count.ShouldBe(1);
        var audit = await seed.Owner.ListAuditAsync();
        audit.Where(a => a.Target == seed.Job.Id).Select(a => a.Action).Take(2).ShouldBe(["job.resume", "job.pause"]);
        audit.First().Actor.ShouldContain($"via {seed.Owner.Credentials.Id}");
        browser.ShouldHaveNoProblems();
    }

    [Fact]
    public async Task Delete_AsksForConfirmation_ThenDeletes_KeepingTheLog()
    {
        var seed = await ProductionSeed.CreateAsync(fixture.Host, hours: 1);
        await using var browser = await fixture.OpenAsync();
        await browser.SignInAsync(seed.Owner.Credentials);
        await browser.GoAsync($"/jobs/{seed.Job.ImageId}");
        var page = browser.Page;

        await page.GetByText("Job actions").ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Delete…" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = $"Delete job “{seed.Job.Name}”?" })).ToBeVisibleAsync();
        (await seed.Owner.GetJobAsync(seed.Job.Id)).Status.ShouldBe(JobStatus.Active);
        await browser.ScreenshotAsync("job-delete-confirmation");

        await page.GetByRole(AriaRole.Button, new() { Name = "Yes, delete the job" }).ClickAsync();

        await Expect(page.Locator(".status-word")).ToHaveTextAsync("Deleted");
        page.Url.ShouldBe($"{fixture.Host.BaseUrl}/jobs/{seed.Job.Id}");
        (await seed.Owner.GetJobAsync(seed.Job.Id)).Status.ShouldBe(JobStatus.Deleted);
        await Expect(page.Locator("#log tbody tr")).Not.ToHaveCountAsync(0);
        await Expect(page.GetByText("Job actions")).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Restart" })).ToHaveCountAsync(0);
        browser.ShouldHaveNoProblems();
    }

    [Fact]
    public async Task AuthorizedStations_ChangedOnThePage_RefuseTheOtherStation()
    {
        var seed = await ProductionSeed.CreateAsync(fixture.Host, hours: 1);
        await using var browser = await fixture.OpenAsync();
        await browser.SignInAsync(seed.Owner.Credentials);
        await browser.GoAsync($"/jobs/{seed.Job.ImageId}");
        var page = browser.Page;

        await page.GetByLabel("Only the stations ticked below").CheckAsync();
        await page.GetByRole(AriaRole.Checkbox, new() { Name = "line-1" }).CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Save authorized stations" }).ClickAsync();

        await Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("1 station may now run this job.");
        await Expect(page.GetByRole(AriaRole.Checkbox, new() { Name = "line-1" })).ToBeCheckedAsync();
        await Expect(page.GetByRole(AriaRole.Checkbox, new() { Name = "line-2" })).Not.ToBeCheckedAsync();
        var job = await seed.Owner.GetJobAsync(seed.Job.Id);
        job.AllStations.ShouldBeFalse();
        job.StationIds.ShouldBe([seed.Line1.Id]);
        (await seed.Line1.Client.RequestGrantAsync(new GrantRequest(job.Id, null, 1))).Grant.StationId.ShouldBe(seed.Line1.Id);
        var refused = await Should.ThrowAsync<CloudApiException>(() => seed.Line2.Client.RequestGrantAsync(new GrantRequest(job.Id, null, 1)));
        refused.Status.ShouldBe(HttpStatusCode.Forbidden);
        browser.ShouldHaveNoProblems();
    }

    [Fact]
    public async Task OpenJobPage_FollowsNewResults_WithoutReloading()
    {
        var seed = await ProductionSeed.CreateAsync(fixture.Host, hours: 1);
        await using var browser = await fixture.OpenAsync();
        await browser.SignInAsync(seed.Owner.Credentials);
        await browser.GoAsync($"/jobs/{seed.Job.ImageId}");
        var programmed = Tile(browser.Page, "Programmed");
        await Expect(programmed).ToHaveTextAsync(seed.Job.Counters.Programmed.ToString("N0"));

        var grant = await seed.Line2.Client.RequestGrantAsync(new GrantRequest(seed.Job.Id, null, 2));
        await seed.Line2.Client.ReportResultsAsync([CloudApiTests.Record(grant, 0), CloudApiTests.Record(grant, 1)]);
        await seed.Owner.JobActionAsync(seed.Job.Id, "pause");

        // The page's script polls every 5 s.
        await Expect(programmed).ToHaveTextAsync((seed.Job.Counters.Programmed + 2).ToString("N0"), new() { Timeout = 8_000 });
        await Expect(browser.Page.Locator(".status-word")).ToHaveTextAsync("Paused");
        await Expect(browser.Page.Locator(".status-box")).ToHaveClassAsync("status-box status-paused");
        browser.ShouldHaveNoProblems();
    }

    [Fact]
    public async Task Restrictions_ChangedOnThePage_LimitTheNextGrant_AndABadNumberIsExplained()
    {
        var seed = await ProductionSeed.CreateAsync(fixture.Host, hours: 1);
        var used = seed.Job.Counters.Programmed;
        await using var browser = await fixture.OpenAsync();
        await browser.SignInAsync(seed.Owner.Credentials);
        await browser.GoAsync($"/jobs/{seed.Job.ImageId}");
        var page = browser.Page;

        await page.GetByText("Change restrictions…").ClickAsync();
        await page.GetByLabel("Maximum count", new() { Exact = true }).FillAsync("abc");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save restrictions" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("maxCount: 'abc' is not a whole number.");

        await page.GetByText("Change restrictions…").ClickAsync();
        await page.GetByLabel("Maximum count", new() { Exact = true }).FillAsync((used + 1).ToString(System.Globalization.CultureInfo.InvariantCulture));
        await page.GetByLabel("Per-station cap").FillAsync("");
        await page.GetByLabel("Valid until (UTC)").FillAsync("2027-01-01T00:00");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save restrictions" }).ClickAsync();

        await Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Restrictions saved; the next grant request is checked against them.");
        await Expect(Fact(page, "Maximum count")).ToContainTextAsync($"{used} of {used + 1:N0} used, 1 remaining");
        await Expect(Fact(page, "Valid until")).ToHaveTextAsync("2027-01-01 00:00:00 UTC");
        await Expect(Tile(page, "Remaining")).ToHaveTextAsync("1");
        var job = await seed.Owner.GetJobAsync(seed.Job.Id);
        job.Restrictions.ShouldBe(new JobRestrictions(used + 1, null, new DateTimeOffset(2027, 1, 1, 0, 0, 0, TimeSpan.Zero), null));
        var refused = await Should.ThrowAsync<CloudApiException>(() => seed.Line1.Client.RequestGrantAsync(new GrantRequest(job.Id, null, 2)));
        refused.Status.ShouldBe(HttpStatusCode.Conflict);
        (await seed.Line1.Client.RequestGrantAsync(new GrantRequest(job.Id, null, 1))).Grant.Units.Count.ShouldBe(1);
        browser.ShouldHaveNoProblems();
    }

    private static ILocator Tile(IPage page, string label) =>
        page.Locator(".tile").Filter(new() { Has = page.Locator("dt", new() { HasTextRegex = new System.Text.RegularExpressions.Regex($"^{label}$") }) }).Locator("dd");

    private static ILocator Fact(IPage page, string term) =>
        page.Locator("dl.facts dt").Filter(new() { HasTextRegex = new System.Text.RegularExpressions.Regex($"^{System.Text.RegularExpressions.Regex.Escape(term)}$") }).Locator("xpath=following-sibling::dd[1]");
}
