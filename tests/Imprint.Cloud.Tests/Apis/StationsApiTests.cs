using System.Net;
using System.Security.Cryptography;
using System.Text;
using Imprint.Sdk.Cloud;
using Imprint.Tests.Support;

namespace Imprint.Tests.Apis;

public abstract class StationsApiTests(CloudFixture fixture) : CloudApiTests(fixture)
{
    [Fact]
    public async Task Register_WithToken_ListsStationWithVersionAndLastSeen()
    {
        var (owner, account) = await Host.NewAccountAsync();
        var station = await Host.NewStationAsync(owner, account.DefaultFactory.Id, "line-7");
        station.Registration.AccountId.ShouldBe(account.Account.Id);
        var self = await station.Client.HeartbeatAsync(new HeartbeatRequest("1.2.3", ["img-a", "img-b"]));
        self.FactoryId.ShouldBe(account.DefaultFactory.Id);
        var listed = (await owner.ListStationsAsync(account.DefaultFactory.Id)).Single();
        listed.Name.ShouldBe("line-7");
        listed.SoftwareVersion.ShouldBe("1.2.3");
        listed.Images.ShouldBe(["img-a", "img-b"]);
        listed.LastSeenAt!.Value.ShouldBe(Host.Time.GetUtcNow(), TimeSpan.FromSeconds(1));
        listed.Status.ShouldBe(StationStatus.Active);
    }

    [Fact]
    public async Task Token_IsOneTime_AndExpires()
    {
        var (owner, account) = await Host.NewAccountAsync();
        var token = await owner.CreateProvisioningTokenAsync(account.DefaultFactory.Id, new ProvisioningTokenRequest("smt", 5));
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var uri = new Uri(Host.BaseUrl);
        await StationCloudClient.RegisterAsync(Host.Http, uri, token.Token, key, "a", null, Host.Time);
        await Refused(() => StationCloudClient.RegisterAsync(Host.Http, uri, token.Token, key, "b", null, Host.Time), HttpStatusCode.Unauthorized, "already used");

        var late = await owner.CreateProvisioningTokenAsync(account.DefaultFactory.Id, new ProvisioningTokenRequest(null, 5));
        await using var later = await Fixture.StartHostAsync(new FakeTimeProvider(Host.Time.GetUtcNow().AddMinutes(6)));
        await Refused(() => StationCloudClient.RegisterAsync(later.Http, new Uri(later.BaseUrl), late.Token, key, "c", null, later.Time), HttpStatusCode.Unauthorized, "expired");
        (await owner.ListStationsAsync()).Count.ShouldBe(1);
        (await owner.ListStationsAsync()).Single().Group.ShouldBe("smt");
    }

    [Fact]
    public async Task Register_RejectsNonP256Key()
    {
        var (owner, account) = await Host.NewAccountAsync();
        var token = await owner.CreateProvisioningTokenAsync(account.DefaultFactory.Id, new ProvisioningTokenRequest());
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        await Refused(() => StationCloudClient.RegisterAsync(Host.Http, new Uri(Host.BaseUrl), token.Token, key, "x", null, Host.Time), HttpStatusCode.BadRequest, "stations use ECDSA P-256");
    }

    [Fact]
    public async Task Register_NotSignedByTheRegisteredKey_IsRefused_AndTheTokenStaysUsable()
    {
        var (owner, account) = await Host.NewAccountAsync();
        var token = await owner.CreateProvisioningTokenAsync(account.DefaultFactory.Id, new ProvisioningTokenRequest());
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var other = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var uri = new Uri(Host.BaseUrl);
        var body = new RegisterStationRequest(token.Token, Convert.ToBase64String(key.ExportSubjectPublicKeyInfo()), "line-9", "1.0.0");

        // Someone holding the token registers a key whose private half they do not hold (signed with another key).
        using (var mismatched = StationCloudClient.SignRegistration(uri, body, other, Host.Time))
        {
            await ShouldBeProblem(await Host.Http.SendAsync(mismatched), "Registration signature refused", "does not verify with the public key it registers");
        }

        // A signature that is no signature at all.
        using (var forged = StationCloudClient.SignRegistration(uri, body, key, Host.Time))
        {
            forged.Headers.Remove(StationSignature.SignatureHeader);
            forged.Headers.Add(StationSignature.SignatureHeader, Convert.ToBase64String(new byte[64]));
            await ShouldBeProblem(await Host.Http.SendAsync(forged), "Registration signature refused", "does not verify with the public key it registers");
        }

        // Signed by the right key, but the token in the body was changed after signing.
        using (var tampered = StationCloudClient.SignRegistration(uri, body with { Token = "pt_other" }, key, Host.Time))
        {
            tampered.Content = new ByteArrayContent(System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(body, CloudJson.Options));
            tampered.Content.Headers.ContentType = new("application/json");
            await ShouldBeProblem(await Host.Http.SendAsync(tampered), "Registration signature refused", "does not verify");
        }

        // Signed by the right key, but at a time outside the allowed clock skew (a captured registration replayed later).
        using (var stale = StationCloudClient.SignRegistration(uri, body, key, new FakeTimeProvider(Host.Time.GetUtcNow().AddMinutes(-10))))
        {
            await ShouldBeProblem(await Host.Http.SendAsync(stale), "Registration timestamp refused",
                "The registration timestamp is 600 s off the cloud's clock; at most ±300 s is accepted (check the station's clock).");
        }

        // Unsigned, as a station from before registrations were signed sends it.
        using (var unsigned = new HttpRequestMessage(HttpMethod.Post, "/station/v1/register") { Content = System.Net.Http.Json.JsonContent.Create(body, options: CloudJson.Options) })
        {
            await ShouldBeProblem(await Host.Http.SendAsync(unsigned), "Registration not signed", "must be signed with the key it registers");
        }

        (await owner.ListStationsAsync()).ShouldBeEmpty();
        (await owner.ListAuditAsync()).Select(a => a.Action).ShouldNotContain("station.register");

        // The token was not used up by any of them.
        var registration = await StationCloudClient.RegisterAsync(Host.Http, uri, token.Token, key, "line-9", "1.0.0", Host.Time);
        registration.FactoryId.ShouldBe(account.DefaultFactory.Id);
        var station = new StationCloudClient(Host.Http, uri, registration.StationId, key, Host.Time);
        (await station.HeartbeatAsync(new HeartbeatRequest("1.0.1", null))).StationId.ShouldBe(registration.StationId);
        (await owner.ListStationsAsync()).Single().Name.ShouldBe("line-9");
    }

    [Fact]
    public async Task Register_MalformedJson_IsAProblem_AndChangesNothing()
    {
        var (owner, account) = await Host.NewAccountAsync();
        var token = await owner.CreateProvisioningTokenAsync(account.DefaultFactory.Id, new ProvisioningTokenRequest());
        using var request = new HttpRequestMessage(HttpMethod.Post, "/station/v1/register") { Content = new StringContent("{\"token\": \"" + token.Token + "\",", Encoding.UTF8, "application/json") };
        using var response = await Host.Http.SendAsync(request);
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        (await response.Content.ReadAsStringAsync()).ShouldContain("Malformed JSON");
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        await StationCloudClient.RegisterAsync(Host.Http, new Uri(Host.BaseUrl), token.Token, key, "ok", null, Host.Time);
    }

    [Fact]
    public async Task Deprovisioned_StationIsRefused()
    {
        var (owner, account) = await Host.NewAccountAsync();
        var station = await Host.NewStationAsync(owner, account.DefaultFactory.Id);
        await owner.DeprovisionStationAsync(station.Id);
        await Refused(() => station.Client.HeartbeatAsync(new HeartbeatRequest(null, null)), HttpStatusCode.Unauthorized, "is deprovisioned");
    }

    [Fact]
    public async Task Reassign_MovesStationAndDropsOldAuthorizations()
    {
        var (owner, account) = await Host.NewAccountAsync();
        var station = await Host.NewStationAsync(owner, account.DefaultFactory.Id);
        var job = await RegisterJobAsync(owner, account.DefaultFactory.Id, allStations: false, stationIds: [station.Id]);
        var west = await owner.CreateFactoryAsync("West");
        (await owner.ReassignStationAsync(station.Id, west.Id)).FactoryId.ShouldBe(west.Id);
        (await owner.GetJobAsync(job.Id)).StationIds.ShouldBeEmpty();
        await Refused(() => station.Client.RequestGrantAsync(new GrantRequest(job.Id, null, 1)), HttpStatusCode.Forbidden, $"runs in factory '{account.DefaultFactory.Id}'");
        (await station.Client.HeartbeatAsync(new HeartbeatRequest(null, null))).FactoryId.ShouldBe(west.Id);
    }

    [Fact]
    public async Task Signature_BadTamperedReplayedSkewedUnknown_AllRefused()
    {
        var (owner, account) = await Host.NewAccountAsync();
        var station = await Host.NewStationAsync(owner, account.DefaultFactory.Id);
        var job = await RegisterJobAsync(owner, account.DefaultFactory.Id, maxCount: 10);
        var body = Encoding.UTF8.GetBytes($$"""{"jobId":"{{job.Id}}","units":1}""");

        // Replay: the same signed request twice.
        using (var first = station.Client.Sign(HttpMethod.Post, "station/v1/grants", body))
        {
            var replay = await Clone(first);
            (await Host.Http.SendAsync(first)).StatusCode.ShouldBe(HttpStatusCode.OK);
            await ShouldBeProblem(await Host.Http.SendAsync(replay), "the request is a replay");
        }

        // Tampered body: signed for 1 unit, sent for 5.
        using (var signed = station.Client.Sign(HttpMethod.Post, "station/v1/grants", body))
        {
            signed.Content = new ByteArrayContent(Encoding.UTF8.GetBytes($$"""{"jobId":"{{job.Id}}","units":5}"""));
            signed.Content.Headers.ContentType = new("application/json");
            await ShouldBeProblem(await Host.Http.SendAsync(signed), "does not verify");
        }

        // Another key claiming to be this station.
        using var otherKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var impostor = new StationCloudClient(Host.Http, new Uri(Host.BaseUrl), station.Id, otherKey, Host.Time);
        await Refused(() => impostor.RequestGrantAsync(new GrantRequest(job.Id, null, 1)), HttpStatusCode.Unauthorized, "does not verify");

        // Clock skew: a station clock 6 minutes fast.
        var skewed = new StationCloudClient(Host.Http, new Uri(Host.BaseUrl), station.Id, station.Key, new FakeTimeProvider(Host.Time.GetUtcNow().AddMinutes(6)));
        await Refused(() => skewed.RequestGrantAsync(new GrantRequest(job.Id, null, 1)), HttpStatusCode.Unauthorized, "off the cloud's clock");

        var unknown = new StationCloudClient(Host.Http, new Uri(Host.BaseUrl), "sta_nobody", station.Key, Host.Time);
        await Refused(() => unknown.RequestGrantAsync(new GrantRequest(job.Id, null, 1)), HttpStatusCode.Unauthorized, "Station 'sta_nobody' is not known.");

        var missing = new HttpRequestMessage(HttpMethod.Post, "/station/v1/grants") { Content = new ByteArrayContent(body) };
        missing.Content.Headers.ContentType = new("application/json");
        await ShouldBeProblem(await Host.Http.SendAsync(missing), "needs a signed station request");

        // Nothing changed: only the first request reserved a unit.
        (await owner.GetJobAsync(job.Id)).Counters.Reserved.ShouldBe(1);
    }

    private static async Task ShouldBeProblem(HttpResponseMessage response, string detail)
    {
        response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        (await response.Content.ReadAsStringAsync()).ShouldContain(detail);
    }

    private static async Task ShouldBeProblem(HttpResponseMessage response, string title, string detail)
    {
        using (response)
        {
            response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
            response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
            using var problem = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            problem.RootElement.GetProperty("title").GetString().ShouldBe(title);
            problem.RootElement.GetProperty("detail").GetString()!.ShouldContain(detail);
        }
    }

    private static async Task<HttpRequestMessage> Clone(HttpRequestMessage request)
    {
        var copy = new HttpRequestMessage(request.Method, request.RequestUri) { Content = new ByteArrayContent(await request.Content!.ReadAsByteArrayAsync()) };
        copy.Content.Headers.ContentType = request.Content.Headers.ContentType;
        foreach (var header in request.Headers)
        {
            copy.Headers.TryAddWithoutValidation(header.Key, header.Value);
        }

        return copy;
    }
}

public sealed class StationsApiTests_Sqlite(SqliteCloudFixture f) : StationsApiTests(f), IClassFixture<SqliteCloudFixture>;

public sealed class StationsApiTests_Postgres(PostgresCloudFixture f) : StationsApiTests(f), IClassFixture<PostgresCloudFixture>;
