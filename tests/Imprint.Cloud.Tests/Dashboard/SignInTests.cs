using System.Net;
using Imprint.Cloud.Dashboard.Security;
using Imprint.Sdk.Cloud;
using Imprint.Tests.Dashboard.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Imprint.Tests.Dashboard;

[Collection(DashboardCollection.Name)]
public sealed class SignInTests(DashboardFixture fixture)
{
    [Fact]
    public async Task SignIn_WithCredential_OpensOverview_InAnHttpOnlySessionCookie_AndSignOutEndsIt()
    {
        var (owner, account) = await fixture.Host.NewAccountAsync("Northwind");
        await using var browser = await fixture.OpenAsync();

        (await browser.GoAsync("/")).Url.ShouldEndWith("/signin?returnUrl=%2F");
        await browser.SignInAsync(owner.Credentials);

        await Expect(browser.Page.GetByRole(AriaRole.Heading, new() { Name = "Overview", Level = 1 })).ToBeVisibleAsync();
        await Expect(browser.Page.Locator(".who-account")).ToContainTextAsync(account.Account.Name);
        await Expect(browser.Page.GetByRole(AriaRole.Heading, new() { Name = "My Default Factory" })).ToBeVisibleAsync();
        var session = (await browser.Context.CookiesAsync()).Single(c => c.Name == DashboardAuth.CookieName);
        session.HttpOnly.ShouldBeTrue();
        session.SameSite.ShouldBe(SameSiteAttribute.Lax);
        session.Secure.ShouldBeFalse(); // SameAsRequest: the test cloud is plain http on 127.0.0.1
        session.Expires.ShouldBe(-1); // a browser-session cookie; the ticket inside expires after 8 h idle
        session.Value.ShouldNotContain(owner.Credentials.Secret);

        await browser.Page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await Expect(browser.Page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Signed out.");
        (await browser.Context.CookiesAsync()).ShouldNotContain(c => c.Name == DashboardAuth.CookieName);
        (await browser.GoAsync("/stations")).Url.ShouldEndWith("/signin?returnUrl=%2Fstations");
        browser.ShouldHaveNoProblems();
    }

    [Fact]
    public async Task SignIn_WrongSecret_IsRefusedWithTheReason_AndStartsNoSession()
    {
        var (owner, _) = await fixture.Host.NewAccountAsync();
        await using var browser = await fixture.OpenAsync();

        await browser.SignInAsync(owner.Credentials with { Secret = "not-the-secret" });

        await Expect(browser.Page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("The credential id or secret is wrong.");
        await Expect(browser.Page.GetByLabel("Credential id")).ToHaveValueAsync(owner.Credentials.Id);
        await Expect(browser.Page.GetByLabel("Secret")).ToHaveValueAsync("");
        (await browser.Context.CookiesAsync()).ShouldNotContain(c => c.Name == DashboardAuth.CookieName);
    }

    [Fact]
    public async Task SignIn_ReturnsToTheRequestedPage_ButNeverToAnotherSite()
    {
        var (owner, account) = await fixture.Host.NewAccountAsync();
        var job = await JobSeeds.RegisterAsync(owner, account.DefaultFactory.Id);
        await using var browser = await fixture.OpenAsync();

        (await browser.GoAsync($"/jobs/{job.ImageId}")).Url.ShouldEndWith($"/signin?returnUrl=%2Fjobs%2F{job.ImageId}");
        await browser.SignInAsync(owner.Credentials, browser.Page.Url);
        browser.Page.Url.ShouldBe($"{fixture.Host.BaseUrl}/jobs/{job.ImageId}");
        await Expect(browser.Page.GetByRole(AriaRole.Heading, new() { Name = job.Name, Level = 1 })).ToBeVisibleAsync();

        await using var other = await fixture.OpenAsync();
        await other.SignInAsync(owner.Credentials, "/signin?returnUrl=%2F%2Fevil.example%2F");
        other.Page.Url.ShouldBe(fixture.Host.BaseUrl + "/");
    }

    [Fact]
    public async Task RevokingTheCredential_EndsItsSession()
    {
        var (owner, _) = await fixture.Host.NewAccountAsync();
        var laptop = await owner.CreateCredentialAsync(new CreateCredentialRequest("laptop"));
        await using var browser = await fixture.OpenAsync();
        await browser.SignInAsync(laptop);
        (await browser.GoAsync("/audit")).Status.ShouldBe((int)HttpStatusCode.OK);

        await owner.RevokeCredentialAsync(laptop.Id);

        (await browser.GoAsync("/audit")).Url.ShouldEndWith("/signin?returnUrl=%2Faudit");
        await browser.SignInAsync(laptop);
        await Expect(browser.Page.GetByRole(AriaRole.Alert)).ToHaveTextAsync($"Credential '{laptop.Id}' was revoked.");
    }
}
