using System.Net;
using System.Security.Cryptography;
using Imprint.Sdk.Cloud;
using Imprint.Tests.Dashboard.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Imprint.Tests.Dashboard;

[Collection(DashboardCollection.Name)]
public sealed class StationsPageTests(DashboardFixture fixture)
{
    [Fact]
    public async Task ProvisioningToken_CreatedOnThePage_RegistersAStation_WhichCanBeDeprovisioned()
    {
        var seed = await ProductionSeed.CreateAsync(fixture.Host, hours: 1);
        var west = await seed.Owner.CreateFactoryAsync("West Coast Factory");
        await using var browser = await fixture.OpenAsync();
        await browser.SignInAsync(seed.Owner.Credentials);
        await browser.GoAsync("/stations");
        var page = browser.Page;

        await page.GetByLabel("Factory").SelectOptionAsync(west.Id);
        await page.GetByLabel("Station group (optional)").FillAsync("smt-a");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create provisioning token" }).ClickAsync();

        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Provisioning token for West Coast Factory" })).ToBeVisibleAsync();
        var token = await page.Locator("#provisioning-token").InnerTextAsync();
        token.ShouldStartWith("pt_");
        await browser.ScreenshotAsync("stations-token");
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var registration = await StationCloudClient.RegisterAsync(fixture.Host.Http, new Uri(fixture.Host.BaseUrl), token, key, "west-1", "2.3.4", fixture.Host.Time);
        registration.FactoryId.ShouldBe(west.Id);

        await browser.GoAsync("/stations");
        var row = page.Locator("table.stations tbody tr").Filter(new() { HasText = "west-1" });
        await Expect(row).ToContainTextAsync("West Coast Factory");
        await Expect(row).ToContainTextAsync("2.3.4");
        await Expect(row).ToContainTextAsync("group smt-a");
        await Expect(row.Locator(".seen")).ToContainTextAsync("online");
        var line1 = page.Locator("table.stations tbody tr").Filter(new() { HasText = "line-1" });
        await Expect(line1.Locator(".chip")).ToHaveTextAsync(seed.Job.Name);
        await Expect(line1.GetByRole(AriaRole.Meter)).ToBeVisibleAsync();
        await browser.ScreenshotAsync("stations");

        await line1.GetByText("Deprovision…").ClickAsync();
        await line1.GetByRole(AriaRole.Button, new() { Name = "Yes, deprovision line-1" }).ClickAsync();

        await Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Station 'line-1' is deprovisioned: its requests are refused from now on.");
        await Expect(line1.Locator(".seen")).ToHaveTextAsync("deprovisioned");
        (await seed.Owner.GetStationAsync(seed.Line1.Id)).Status.ShouldBe(StationStatus.Deprovisioned);
        var refused = await Should.ThrowAsync<CloudApiException>(() => seed.Line1.Client.RequestGrantAsync(new GrantRequest(seed.Job.Id, null, 1)));
        refused.Status.ShouldBe(HttpStatusCode.Unauthorized);
        browser.ShouldHaveNoProblems();
    }

    [Fact]
    public async Task Station_MovedToAnotherFactoryOnThePage_LeavesItsOldJobs()
    {
        var seed = await ProductionSeed.CreateAsync(fixture.Host, hours: 1);
        var east = await seed.Owner.CreateFactoryAsync("East Factory");
        await using var browser = await fixture.OpenAsync();
        await browser.SignInAsync(seed.Owner.Credentials);
        await browser.GoAsync("/stations");
        var page = browser.Page;
        var line1 = page.Locator("table.stations tbody tr").Filter(new() { HasText = "line-1" });
        await Expect(line1.Locator(".chip")).ToHaveTextAsync(seed.Job.Name);

        await line1.GetByText("Move…").ClickAsync();
        await line1.GetByLabel("Move line-1 to").SelectOptionAsync(east.Id);
        await line1.GetByRole(AriaRole.Button, new() { Name = "Move line-1" }).ClickAsync();

        await Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync(
            "Station 'line-1' now belongs to East Factory: it is off the lists of its old factory's jobs and runs what the new factory's jobs allow.");
        await Expect(line1).ToContainTextAsync("East Factory");
        await Expect(line1.Locator(".chip")).ToHaveCountAsync(0);
        (await seed.Owner.GetStationAsync(seed.Line1.Id)).FactoryId.ShouldBe(east.Id);
        (await seed.Owner.ListAuditAsync()).Select(a => a.Action).ShouldContain("station.reassign");
        var refused = await Should.ThrowAsync<CloudApiException>(() => seed.Line1.Client.RequestGrantAsync(new GrantRequest(seed.Job.Id, null, 1)));
        refused.Status.ShouldBe(HttpStatusCode.Forbidden);
        browser.ShouldHaveNoProblems();
    }
}
