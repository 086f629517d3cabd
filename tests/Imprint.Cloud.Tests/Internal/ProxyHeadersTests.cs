using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Imprint.Cloud;
using Imprint.Sdk.Cloud;
using Imprint.Tests.Support;

namespace Imprint.Tests.Internal;

/// <summary>
/// `--behind-proxy`: a TLS-terminating proxy on loopback forwards X-Forwarded-Proto/-Host; the
/// cloud then marks cookies Secure and names the public host. Without the option, or from an
/// address that is not a trusted proxy, the same headers change nothing.
/// </summary>
public sealed class ProxyHeadersTests(SqliteCloudFixture fixture) : IClassFixture<SqliteCloudFixture>
{
    private const string PublicHost = "cloud.example.com";

    [Fact]
    public async Task BehindProxy_HttpsFromLoopbackProxy_SecureCookies_PublicLinks()
    {
        await using var host = await fixture.StartHostAsync(configure: o => o.BehindProxy = true);
        var (owner, _) = await host.NewAccountAsync();
        using var http = NoCookies(host);

        // The sign-in form's antiforgery cookie, then the session cookie after signing in.
        using var form = await http.SendAsync(Forwarded(HttpMethod.Get, "/signin"));
        var antiforgery = Cookie(form, "imprint.antiforgery");
        antiforgery.ShouldContain("; secure", Case.Insensitive);
        using var signIn = await http.SendAsync(await SignInRequestAsync(form, antiforgery, owner.Credentials));
        signIn.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        Cookie(signIn, "imprint.session").ShouldContain("; secure", Case.Insensitive);

        // Redirects to sign in and URLs handed to users name the public https host.
        using var page = await http.SendAsync(Forwarded(HttpMethod.Get, "/"));
        page.Headers.Location!.ToString().ShouldStartWith($"https://{PublicHost}/signin");
        using var tokenRequest = Forwarded(HttpMethod.Post, $"/api/v1/factories/{(await owner.ListFactoriesAsync())[0].Id}/provisioning-tokens");
        tokenRequest.Headers.Authorization = new("Bearer", $"{owner.Credentials.Id}.{owner.Credentials.Secret}");
        tokenRequest.Content = JsonContent.Create(new ProvisioningTokenRequest(), options: CloudJson.Options);
        using var tokenResponse = await http.SendAsync(tokenRequest);
        (await tokenResponse.Content.ReadFromJsonAsync<ProvisioningToken>(CloudJson.Options))!.CloudUrl.ShouldBe($"https://{PublicHost}");

        // A plain request through the same cloud still gets a plain cookie.
        using var plain = await http.GetAsync("/signin");
        Cookie(plain, "imprint.antiforgery").ShouldNotContain("secure", Case.Insensitive);
    }

    [Fact]
    public async Task WithoutTheOption_ForwardedHeadersAreIgnored()
    {
        using var http = NoCookies(fixture.Host);
        using var form = await http.SendAsync(Forwarded(HttpMethod.Get, "/signin"));
        Cookie(form, "imprint.antiforgery").ShouldNotContain("secure", Case.Insensitive);
        using var page = await http.SendAsync(Forwarded(HttpMethod.Get, "/"));
        page.Headers.Location!.ToString().ShouldStartWith(fixture.Host.BaseUrl + "/signin");
    }

    [Fact]
    public async Task BehindProxy_RequestFromAnAddressNotTrusted_IsNotBelieved()
    {
        await using var host = await fixture.StartHostAsync(configure: o =>
        {
            o.BehindProxy = true;
            o.TrustedProxies.Add(IPNetwork.Parse("10.20.0.0/16"));
        });
        using var http = NoCookies(host);
        using var form = await http.SendAsync(Forwarded(HttpMethod.Get, "/signin"));
        Cookie(form, "imprint.antiforgery").ShouldNotContain("secure", Case.Insensitive);
        using var page = await http.SendAsync(Forwarded(HttpMethod.Get, "/"));
        page.Headers.Location!.ToString().ShouldStartWith(host.BaseUrl + "/signin");
    }

    private static HttpClient NoCookies(CloudTestHost host) =>
        new(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = new Uri(host.BaseUrl) };

    /// <summary>A request as a TLS-terminating proxy on this machine passes it on.</summary>
    private static HttpRequestMessage Forwarded(HttpMethod method, string path)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Add("X-Forwarded-Proto", "https");
        request.Headers.Add("X-Forwarded-Host", PublicHost);
        request.Headers.Add("X-Forwarded-For", "203.0.113.7");
        return request;
    }

    private static async Task<HttpRequestMessage> SignInRequestAsync(HttpResponseMessage form, string antiforgeryCookie, CloudCredentials credentials)
    {
        var html = await form.Content.ReadAsStringAsync();
        var token = WebUtility.HtmlDecode(Regex.Match(html, "name=\"__csrf\" value=\"([^\"]+)\"").Groups[1].Value);
        var request = Forwarded(HttpMethod.Post, "/signin");
        request.Headers.Add("Cookie", antiforgeryCookie.Split(';')[0]);
        request.Content = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["credentialId"] = credentials.Id,
            ["secret"] = credentials.Secret,
            ["returnUrl"] = "/",
            ["__csrf"] = token,
        });
        return request;
    }

    private static string Cookie(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues("Set-Cookie", out var values) && values.FirstOrDefault(v => v.StartsWith(name + "=", StringComparison.Ordinal)) is { } cookie
            ? cookie
            : throw new ShouldAssertException($"{(int)response.StatusCode} {response.RequestMessage?.RequestUri}: no {name} cookie was set.");
}
