using System.Globalization;
using Imprint.Sdk.Cloud;
using Imprint.Tests.Dashboard.Support;
using Imprint.Tests.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Imprint.Tests.Dashboard;

[Collection(DashboardCollection.Name)]
public sealed class LogPageTests(DashboardFixture fixture)
{
    [Fact]
    public async Task Filter_ShowsOnlyMatchingUnits_AndTheDownloadsEqualTheApiExportForTheSameFilter()
    {
        var seed = await ProductionSeed.CreateAsync(fixture.Host);
        await using var browser = await fixture.OpenAsync();
        await browser.SignInAsync(seed.Owner.Credentials);
        await browser.GoAsync("/log");
        var page = browser.Page;

        await page.GetByLabel("Station").SelectOptionAsync(seed.Line1.Id);
        await page.GetByLabel("Result").SelectOptionAsync("failure");
        await page.GetByRole(AriaRole.Button, new() { Name = "Apply filter" }).ClickAsync();

        var filter = new RecordFilter(StationId: seed.Line1.Id, Result: UnitResult.Failure);
        var expected = await seed.Owner.QueryRecordsAsync(filter, 1000);
        expected.Items.Count.ShouldBeGreaterThan(1);
        var rows = page.Locator("table.records tbody tr");
        await Expect(rows).ToHaveCountAsync(expected.Items.Count);
        for (var i = 0; i < expected.Items.Count; i++)
        {
            await Expect(rows.Nth(i)).ToContainTextAsync("Failure");
            await Expect(rows.Nth(i)).ToContainTextAsync("line-1");
            await Expect(rows.Nth(i)).ToContainTextAsync($"sn {expected.Items[i].Serials.Single().Value}");
        }

        await Expect(page.GetByLabel("Station")).ToHaveValueAsync(seed.Line1.Id);
        (await DownloadAsync(page, "#download-csv")).ShouldBe(await seed.Owner.ExportRecordsAsync(filter, "csv"));
        (await DownloadAsync(page, "#download-jsonl")).ShouldBe(await seed.Owner.ExportRecordsAsync(filter, "jsonl"));
        await browser.ScreenshotAsync("log-filtered");
        browser.ShouldHaveNoProblems();
    }

    [Fact]
    public async Task Filter_BySerialAndTimeRange_MatchesTheApi_AndABadSerialIsExplained()
    {
        var seed = await ProductionSeed.CreateAsync(fixture.Host);
        var all = (await seed.Owner.QueryRecordsAsync(new RecordFilter(), 1000)).Items;
        var unit = all.First(r => r.Result == UnitResult.Success);
        var serial = unit.Serials.Single().Value;
        await using var browser = await fixture.OpenAsync();
        await browser.SignInAsync(seed.Owner.Credentials);
        var page = browser.Page;

        await browser.GoAsync($"/log?serial={serial}");
        await Expect(page.Locator("table.records tbody tr")).ToHaveCountAsync(1);
        await Expect(page.Locator("table.records tbody tr")).ToContainTextAsync(unit.CustomData["uid"]);

        // An hour's window (the seed spreads units over several hours), typed in the page's UTC fields to the minute.
        var start = all.Min(r => r.FinishedAt).AddMinutes(50);
        var from = new DateTimeOffset(start.UtcTicks - (start.UtcTicks % TimeSpan.TicksPerMinute), TimeSpan.Zero);
        var to = from.AddHours(1);
        await browser.GoAsync("/log");
        await page.GetByLabel("From (UTC)").FillAsync(from.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm", CultureInfo.InvariantCulture));
        await page.GetByLabel("Until (UTC)").FillAsync(to.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm", CultureInfo.InvariantCulture));
        await page.GetByRole(AriaRole.Button, new() { Name = "Apply filter" }).ClickAsync();
        var window = new RecordFilter(From: from, To: to);
        var expected = (await seed.Owner.QueryRecordsAsync(window, 1000)).Items;
        expected.Count.ShouldBeInRange(1, all.Count - 1);
        await Expect(page.Locator("table.records tbody tr")).ToHaveCountAsync(expected.Count);
        (await DownloadAsync(page, "#download-csv")).ShouldBe(await seed.Owner.ExportRecordsAsync(window, "csv"));

        var response = await browser.GoAsync("/log?serial=12x");
        response.Status.ShouldBe(400);
        await Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("serial: '12x' is not a serial number.");
    }

    [Fact]
    public async Task Log_PagesThroughEveryUnit_NewestFirst()
    {
        var seed = await ProductionSeed.CreateAsync(fixture.Host, hours: 1);
        var grant = await seed.Line1.Client.RequestGrantAsync(new GrantRequest(seed.Job.Id, null, 60));
        await seed.Line1.Client.ReportResultsAsync(Enumerable.Range(0, 60).Select(u => CloudApiTests.Record(grant, u)).ToList());
        var total = (await seed.Owner.QueryRecordsAsync(new RecordFilter(JobId: seed.Job.Id), 1000)).Items;
        await using var browser = await fixture.OpenAsync();
        await browser.SignInAsync(seed.Owner.Credentials);
        var page = browser.Page;

        await browser.GoAsync($"/log?jobId={seed.Job.Id}");
        var rows = page.Locator("table.records tbody tr");
        await Expect(rows).ToHaveCountAsync(50);
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "« Newest" })).ToHaveCountAsync(0);
        await page.GetByRole(AriaRole.Link, new() { Name = "Older »" }).ClickAsync();
        await Expect(rows).ToHaveCountAsync(total.Count - 50);
        await Expect(rows.Last).ToContainTextAsync($"sn {total[^1].Serials.Single().Value}");
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Older »" })).ToHaveCountAsync(0);
        await Expect(page.GetByLabel("Job")).ToHaveValueAsync(seed.Job.Id);
        browser.ShouldHaveNoProblems();
    }

    [Fact]
    public async Task UnitRecord_ShowsStepsTimingsDataReadTestResultsAndDynamicData()
    {
        var seed = await ProductionSeed.CreateAsync(fixture.Host, hours: 2);
        var failed = (await seed.Owner.QueryRecordsAsync(new RecordFilter(Result: UnitResult.Failure), 1)).Items.Single();
        await using var browser = await fixture.OpenAsync();
        await browser.SignInAsync(seed.Owner.Credentials);
        await browser.GoAsync($"/log?result=failure");
        var page = browser.Page;

        await page.Locator("table.records tbody tr").First.GetByRole(AriaRole.Link, new() { NameRegex = new("^Full record") }).ClickAsync();

        page.Url.ShouldBe($"{fixture.Host.BaseUrl}/log/{failed.Id}");
        await Expect(page.Locator(".failure")).ToContainTextAsync("verify#3");
        await Expect(page.Locator(".failure")).ToContainTextAsync("Verify failed at 0x08000400.");
        var steps = page.Locator("section[aria-labelledby='steps-title'] tbody");
        await Expect(steps).ToContainTextAsync("erase");
        await Expect(steps).ToContainTextAsync("300 ms");
        await Expect(steps).ToContainTextAsync("program");
        await Expect(page.Locator("section[aria-labelledby='read-title']")).ToContainTextAsync("0123456789ABCDEF01234567");
        var test = page.Locator("section[aria-labelledby='tests-title'] tbody tr");
        await Expect(test.Locator("th")).ToHaveTextAsync("selftest");
        await Expect(test.Locator("td").Nth(0)).ToHaveTextAsync("7");
        await Expect(test.Locator("td").Nth(1)).ToHaveTextAsync("Failed");
        await Expect(page.Locator("section[aria-labelledby='dynamic-title']")).ToContainTextAsync(failed.DynamicData["mac"]);
        await Expect(page.Locator("section[aria-labelledby='serials-title']")).ToContainTextAsync($"{failed.Serials.Single().Value} (pool main)");
        await browser.ScreenshotAsync("record");
        browser.ShouldHaveNoProblems();
    }

    private static async Task<string> DownloadAsync(IPage page, string selector)
    {
        var download = await page.RunAndWaitForDownloadAsync(() => page.Locator(selector).ClickAsync());
        await using var stream = await download.CreateReadStreamAsync();
        using var reader = new StreamReader(stream);
        return await reader.ReadToEndAsync();
    }
}
