using Imprint.Sdk.Cloud;
using Imprint.Tests.Dashboard.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Imprint.Tests.Dashboard;

/// <summary>Every page loads cleanly (no console error, no failed request, no CSP violation) on a wide and a narrow screen, and is saved as a screenshot for review.</summary>
[Collection(DashboardCollection.Name)]
public sealed class PagesTests(DashboardFixture fixture)
{
    [Fact]
    public async Task EveryPage_LoadsWithoutConsoleErrors_AndIsScreenshotted()
    {
        var seed = await ProductionSeed.CreateAsync(fixture.Host, "Contoso Devices");
        await seed.Owner.CreateFactoryAsync("East Coast Factory");
        await seed.Owner.JobActionAsync((await JobSeeds.RegisterAsync(seed.Owner, seed.FactoryId, maxCount: null)).Id, "pause");
        var record = (await seed.Owner.QueryRecordsAsync(new RecordFilter(), 1)).Items.Single();
        await using var browser = await fixture.OpenAsync();

        await browser.GoAsync("/signin");
        await browser.ScreenshotAsync("signin");
        await browser.SignInAsync(seed.Owner.Credentials);
        await Expect(browser.Page.GetByRole(AriaRole.Img, new() { NameRegex = new("^Units per hour over the last 24 hours") })).ToBeVisibleAsync();
        await browser.ScreenshotAsync("overview");
        foreach (var (path, name) in new[]
        {
            ($"/jobs/{seed.Job.ImageId}", "job"),
            ("/log", "log"),
            ($"/log/{record.Id}", "record-success"),
            ("/stations", "stations-list"),
            ("/audit", "audit"),
        })
        {
            (await browser.GoAsync(path)).Status.ShouldBe(200, path);
            await browser.ScreenshotAsync(name);
        }

        await browser.GoAsync($"/jobs/{seed.Job.ImageId}");
        await browser.Page.GetByText("Job actions").ClickAsync();
        await browser.ScreenshotAsync("job-actions-menu");
        browser.ShouldHaveNoProblems();

        await using var phone = await fixture.OpenAsync(390, 844);
        await phone.SignInAsync(seed.Owner.Credentials);
        await phone.ScreenshotAsync("overview-narrow");
        await phone.GoAsync($"/jobs/{seed.Job.ImageId}");
        await phone.ScreenshotAsync("job-narrow");
        (await phone.Page.EvaluateAsync<bool>("document.documentElement.scrollWidth <= window.innerWidth + 1")).ShouldBeTrue("the job page scrolls sideways on a narrow screen");
        phone.ShouldHaveNoProblems();
    }
}
