using System.Net;
using System.Text.RegularExpressions;
using Imprint.Cloud.Dashboard.Security;
using Imprint.Cloud.Storage;
using Imprint.Tests.Support;

namespace Imprint.Tests.Dashboard.Security;

/// <summary>The keys that encrypt session cookies live in the shared database, so any host of the cloud accepts a session another host started.</summary>
public abstract partial class CloudKeyXmlRepositoryTests(CloudFixture fixture) : CloudApiTests(fixture)
{
    [Fact]
    public async Task SessionStartedOnOneHost_IsAcceptedByAnotherHostOnTheSameDatabase()
    {
        var (owner, account) = await Host.NewAccountAsync("Shared");
        await using var other = await Fixture.StartHostAsync();
        using var a = Client(Host.BaseUrl);
        using var b = Client(other.BaseUrl);

        var signIn = await a.GetAsync("/signin");
        var cookies = Cookies(signIn);
        var token = Token().Match(await signIn.Content.ReadAsStringAsync()).Groups[1].Value;
        using var post = new HttpRequestMessage(HttpMethod.Post, "/signin")
        {
            Content = new FormUrlEncodedContent([new("credentialId", owner.Credentials.Id), new("secret", owner.Credentials.Secret), new("__csrf", token)]),
        };
        post.Headers.Add("Cookie", cookies);
        using var signedIn = await a.SendAsync(post);
        signedIn.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        var session = Cookies(signedIn);
        session.ShouldStartWith(DashboardAuth.CookieName + "=");

        using var overview = new HttpRequestMessage(HttpMethod.Get, "/");
        overview.Headers.Add("Cookie", session);
        using var onB = await b.SendAsync(overview);
        onB.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await onB.Content.ReadAsStringAsync()).ShouldContain(account.Account.Name);

        var keys = await Host.Get<CloudDatabase>().ReadAsync(s => s.ScalarAsync<long>("SELECT COUNT(*) FROM cloud_keys WHERE id LIKE 'data-protection:%'"), CancellationToken.None);
        keys.ShouldBeGreaterThanOrEqualTo(1);
    }

    private static HttpClient Client(string baseUrl) =>
        new(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = new Uri(baseUrl) };

    private static string Cookies(HttpResponseMessage response) =>
        string.Join("; ", response.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0]));

    [GeneratedRegex("name=\"__csrf\" value=\"([^\"]+)\"")]
    private static partial Regex Token();
}

public sealed class CloudKeyXmlRepositoryTests_Sqlite(SqliteCloudFixture f) : CloudKeyXmlRepositoryTests(f), IClassFixture<SqliteCloudFixture>;

public sealed class CloudKeyXmlRepositoryTests_Postgres(PostgresCloudFixture f) : CloudKeyXmlRepositoryTests(f), IClassFixture<PostgresCloudFixture>;
