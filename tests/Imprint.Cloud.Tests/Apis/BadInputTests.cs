using System.Net;
using System.Text;
using System.Text.Json;
using Imprint.Sdk.Cloud;
using Imprint.Tests.Support;

namespace Imprint.Tests.Apis;

/// <summary>Malformed JSON, oversized bodies, unknown ids: a clear ProblemDetails and nothing changed.</summary>
public abstract class BadInputTests(CloudFixture fixture) : CloudApiTests(fixture)
{
    [Fact]
    public async Task MalformedJson_IsProblemNamingThePosition()
    {
        var (owner, account) = await Host.NewAccountAsync();
        var (status, problem) = await SendAsync(account.Credentials, HttpMethod.Post, "/api/v1/factories", "{\"name\": \"x\"");
        status.ShouldBe(HttpStatusCode.BadRequest);
        problem.GetProperty("title").GetString().ShouldBe("Malformed JSON");
        problem.GetProperty("detail").GetString()!.ShouldContain("BytePositionInLine");
        (status, problem) = await SendAsync(account.Credentials, HttpMethod.Post, "/api/v1/jobs", "{\"factoryId\": 5}");
        status.ShouldBe(HttpStatusCode.BadRequest);
        problem.GetProperty("detail").GetString()!.ShouldContain("$.factoryId");
        (await owner.ListFactoriesAsync()).Count.ShouldBe(1);
        (await owner.ListJobsAsync()).ShouldBeEmpty();
    }

    [Fact]
    public async Task OversizedBody_Is413()
    {
        var (owner, account) = await Host.NewAccountAsync();
        var big = "{\"name\": \"" + new string('x', 5 << 20) + "\"}";
        // Expect: 100-continue makes the client wait for the server's answer before sending the
        // body, so the early 413 is read rather than racing a broken pipe.
        var (status, problem) = await SendAsync(account.Credentials, HttpMethod.Post, "/api/v1/factories", big, expectContinue: true);
        status.ShouldBe(HttpStatusCode.RequestEntityTooLarge);
        problem.GetProperty("detail").GetString()!.ShouldContain("accepts at most 4194304");

        // Chunked (no Content-Length): the server's limit stops it while reading.
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/factories") { Content = new ChunkedContent(Encoding.UTF8.GetBytes(big)) };
        request.Content.Headers.ContentType = new("application/json");
        request.Headers.TryAddWithoutValidation("Authorization", account.Credentials.AuthorizationHeader);
        // The server answers 413 and closes while the client may still be sending, so the client
        // sees either that answer or a broken pipe; either way the server refused the body.
        try
        {
            using var response = await Host.Http.SendAsync(request);
            response.StatusCode.ShouldBe(HttpStatusCode.RequestEntityTooLarge);
            response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        }
        catch (HttpRequestException ex) when (ex.InnerException is IOException)
        {
        }

        (await owner.ListFactoriesAsync()).Count.ShouldBe(1);
    }

    [Fact]
    public async Task UnknownIds_AreNotFound()
    {
        var (owner, _) = await Host.NewAccountAsync();
        await Refused(() => owner.GetJobAsync("job_missing"), HttpStatusCode.NotFound, "Job 'job_missing' does not exist in this account.");
        await Refused(() => owner.GetStationAsync("sta_missing"), HttpStatusCode.NotFound, "Station 'sta_missing' does not exist in this account.");
        await Refused(() => owner.JobActionAsync("job_missing", "pause"), HttpStatusCode.NotFound);
        await Refused(() => owner.RevokeCredentialAsync("cred_missing"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Health_Ready_OpenApi()
    {
        (await Host.Http.GetStringAsync("/health")).ShouldContain("healthy");
        (await Host.Http.GetStringAsync("/ready")).ShouldContain("ready");
        var doc = await Host.Http.GetStringAsync("/openapi/v1.json");
        doc.ShouldContain("/station/v1/grants");
        doc.ShouldContain("/api/v1/jobs/{id}/pause");
    }

    private async Task<(HttpStatusCode Status, JsonElement Problem)> SendAsync(CloudCredentials credentials, HttpMethod method, string path, string body, bool expectContinue = false)
    {
        using var request = new HttpRequestMessage(method, path) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        if (expectContinue) request.Headers.ExpectContinue = true;
        request.Headers.TryAddWithoutValidation("Authorization", credentials.AuthorizationHeader);
        using var response = await Host.Http.SendAsync(request);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return (response.StatusCode, json.RootElement.Clone());
    }

    private sealed class ChunkedContent(byte[] bytes) : HttpContent
    {
        protected override Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context) => stream.WriteAsync(bytes).AsTask();

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}

public sealed class BadInputTests_Sqlite(SqliteCloudFixture f) : BadInputTests(f), IClassFixture<SqliteCloudFixture>;

public sealed class BadInputTests_Postgres(PostgresCloudFixture f) : BadInputTests(f), IClassFixture<PostgresCloudFixture>;
