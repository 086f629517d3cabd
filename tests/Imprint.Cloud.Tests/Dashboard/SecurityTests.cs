using System.Net;
using Imprint.Cloud.Dashboard.Security;
using Imprint.Sdk.Cloud;
using Imprint.Tests.Dashboard.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Imprint.Tests.Dashboard;

/// <summary>Account isolation, CSRF, roles and headers: the pages go through the same service layer and checks as the API.</summary>
[Collection(DashboardCollection.Name)]
public sealed class SecurityTests(DashboardFixture fixture)
{
    [Fact]
    public async Task AnotherAccountsJob_ByUrl_IsNotFound_AndShowsNothingOfIt()
    {
        var victim = await ProductionSeed.CreateAsync(fixture.Host, "Victim", hours: 1);
        var record = (await victim.Owner.QueryRecordsAsync(new RecordFilter(), 1)).Items.Single();
        var (intruder, _) = await fixture.Host.NewAccountAsync("Intruder");
        await using var browser = await fixture.OpenAsync();
        await browser.SignInAsync(intruder.Credentials);
        var page = browser.Page;

        foreach (var path in new[] { $"/jobs/{victim.Job.ImageId}", $"/jobs/{victim.Job.Id}", $"/log/{record.Id}", $"/live/jobs/{victim.Job.Id}" })
        {
            (await browser.GoAsync(path)).Status.ShouldBe(404, path);
            var text = await page.Locator("body").InnerTextAsync();
            text.ShouldNotContain(victim.Job.Name);
            text.ShouldNotContain(victim.Job.ImageSha256);
            text.ShouldNotContain(record.CustomData["uid"]);
            await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(" not found$"));
        }

        (await browser.GoAsync($"/jobs/{victim.Job.ImageId}")).Status.ShouldBe(404);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Job not found");
        await Expect(page.Locator(".error-panel")).ToContainTextAsync($"Job '{victim.Job.ImageId}' does not exist in this account.");
        await browser.ScreenshotAsync("not-found");

        // Posting an action for it changes nothing.
        await browser.GoAsync("/");
        var cookies = await browser.CookieHeaderAsync();
        using var http = NoRedirectClient();
        var token = await AntiforgeryTokenAsync(http, cookies, "/");
        using var post = await PostAsync(http, cookies, $"/jobs/{victim.Job.Id}/status", ("action", "pause"), ("__csrf", token));
        post.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await victim.Owner.GetJobAsync(victim.Job.Id)).Status.ShouldBe(JobStatus.Active);

        // The log download of its job id selects nothing.
        using var export = await http.SendAsync(Get($"/log/export?format=csv&jobId={victim.Job.Id}", cookies));
        (await export.Content.ReadAsStringAsync()).ShouldBe(await intruder.ExportRecordsAsync(new RecordFilter(JobId: victim.Job.Id), "csv"));
    }

    [Fact]
    public async Task FormPost_WithoutAValidAntiforgeryToken_IsRefused_AndChangesNothing()
    {
        var seed = await ProductionSeed.CreateAsync(fixture.Host, hours: 1);
        await using var browser = await fixture.OpenAsync();
        await browser.SignInAsync(seed.Owner.Credentials);
        await browser.GoAsync($"/jobs/{seed.Job.ImageId}");
        var cookies = await browser.CookieHeaderAsync();
        using var http = NoRedirectClient();

        using (var noToken = await PostAsync(http, cookies, $"/jobs/{seed.Job.Id}/status", ("action", "pause")))
        {
            noToken.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
            (await noToken.Content.ReadAsStringAsync()).ShouldContain("The form had no valid security token");
        }

        using (var forged = await PostAsync(http, cookies, $"/jobs/{seed.Job.Id}/status", ("action", "pause"), ("__csrf", "forged")))
        {
            forged.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        }

        // A token from another session (another user's page) does not pass either.
        var (other, _) = await fixture.Host.NewAccountAsync();
        await using var otherBrowser = await fixture.OpenAsync();
        await otherBrowser.SignInAsync(other.Credentials);
        var otherToken = await AntiforgeryTokenAsync(http, await otherBrowser.CookieHeaderAsync(), "/");
        using (var foreign = await PostAsync(http, cookies, $"/jobs/{seed.Job.Id}/status", ("action", "pause"), ("__csrf", otherToken)))
        {
            foreign.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        }

        using (var signOut = await PostAsync(http, cookies, "/signout"))
        {
            signOut.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        }

        (await seed.Owner.GetJobAsync(seed.Job.Id)).Status.ShouldBe(JobStatus.Active);

        // The same post with the page's own token works.
        var token = await AntiforgeryTokenAsync(http, cookies, $"/jobs/{seed.Job.ImageId}");
        using (var valid = await PostAsync(http, cookies, $"/jobs/{seed.Job.Id}/status", ("action", "pause"), ("__csrf", token)))
        {
            valid.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        }

        (await seed.Owner.GetJobAsync(seed.Job.Id)).Status.ShouldBe(JobStatus.Paused);
    }

    [Fact]
    public async Task Operator_SeesTheJob_ButItsActionsAreRefusedByTheServiceLayer()
    {
        var seed = await ProductionSeed.CreateAsync(fixture.Host, hours: 1);
        var user = await seed.Owner.CreateUserAsync(new CreateUserRequest("Oscar Operator", Role.Operator));
        var credentials = await seed.Owner.CreateCredentialAsync(new CreateCredentialRequest("floor screen", user.Id));
        await using var browser = await fixture.OpenAsync();
        await browser.SignInAsync(credentials);
        await browser.GoAsync($"/jobs/{seed.Job.ImageId}");
        var page = browser.Page;

        await page.GetByText("Job actions").ClickAsync();
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Pause" })).ToHaveCountAsync(0);
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Save authorized stations" })).ToHaveCountAsync(0);

        // A hand-made post with the page's valid token (through the browser's own cookie jar) gets the service's refusal.
        var form = browser.Context.APIRequest.CreateFormData();
        form.Set("action", "pause");
        form.Set("__csrf", (await page.Locator("input[name=__csrf]").First.GetAttributeAsync("value"))!);
        var post = await browser.Context.APIRequest.PostAsync($"/jobs/{seed.Job.Id}/status", new() { Form = form, MaxRedirects = 0 });
        post.Status.ShouldBe(302);
        await browser.GoAsync(post.Headers["location"]);
        await Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("Role 'operator' may not pause jobs; it needs owner or engineer.");
        (await seed.Owner.GetJobAsync(seed.Job.Id)).Status.ShouldBe(JobStatus.Active);
        await browser.GoAsync("/stations");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Create provisioning token" })).ToHaveCountAsync(0);
        browser.ShouldHaveNoProblems();
    }

    [Fact]
    public async Task Pages_SendAStrictContentSecurityPolicy_AndTheSessionDoesNotOpenTheApi()
    {
        var (owner, _) = await fixture.Host.NewAccountAsync();
        await using var browser = await fixture.OpenAsync();
        await browser.SignInAsync(owner.Credentials);

        var response = await browser.GoAsync("/");
        var headers = await response.AllHeadersAsync();
        headers["content-security-policy"].ShouldContain("script-src 'self'");
        headers["content-security-policy"].ShouldContain("frame-ancestors 'none'");
        headers["content-security-policy"].ShouldNotContain("unsafe-inline");
        headers["x-frame-options"].ShouldBe("DENY");
        headers["x-content-type-options"].ShouldBe("nosniff");
        headers["cache-control"].ShouldContain("no-store");
        var antiforgery = (await browser.Context.CookiesAsync()).Single(c => c.Name == "imprint.antiforgery");
        antiforgery.HttpOnly.ShouldBeTrue();
        antiforgery.SameSite.ShouldBe(SameSiteAttribute.Strict);

        using var http = NoRedirectClient();
        using var api = await http.SendAsync(Get("/api/v1/jobs", await browser.CookieHeaderAsync()));
        api.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);

        // The pages are not part of the API's description.
        var openApi = await http.GetStringAsync("/openapi/v1.json");
        openApi.ShouldContain("\"/api/v1/jobs/{id}\"");
        openApi.ShouldNotContain("\"/jobs/{key}\"");
        openApi.ShouldNotContain("/signin");
    }

    private HttpClient NoRedirectClient() =>
        new(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = new Uri(fixture.Host.BaseUrl) };

    private static HttpRequestMessage Get(string path, string cookies)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("Cookie", cookies);
        return request;
    }

    private static async Task<HttpResponseMessage> PostAsync(HttpClient http, string cookies, string path, params (string Name, string Value)[] fields)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = new FormUrlEncodedContent(fields.Select(f => new KeyValuePair<string, string>(f.Name, f.Value))),
        };
        request.Headers.Add("Cookie", cookies);
        return await http.SendAsync(request);
    }

    /// <summary>Reads the form token a page rendered for this session (the antiforgery cookie it pairs with is already in <paramref name="cookies"/>).</summary>
    private static async Task<string> AntiforgeryTokenAsync(HttpClient http, string cookies, string path)
    {
        using var response = await http.SendAsync(Get(path, cookies));
        var html = await response.Content.ReadAsStringAsync();
        var match = System.Text.RegularExpressions.Regex.Match(html, "name=\"__csrf\" value=\"([^\"]+)\"");
        match.Success.ShouldBeTrue($"{path} rendered no antiforgery token");
        return System.Net.WebUtility.HtmlDecode(match.Groups[1].Value);
    }
}
