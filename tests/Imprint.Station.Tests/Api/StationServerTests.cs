using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Imprint.Keys;
using Imprint.Station;
using Imprint.Station.Api;
using Imprint.Testing;
using Imprint.Tests.Support;

namespace Imprint.Tests.Api;

public sealed class StationServerTests : IAsyncLifetime, IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly SigningKey _signer = SigningKey.Create();
    private StationServer _server = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _server = await StationServer.StartAsync(new StationServerOptions
        {
            Station = new StationOptions { Directory = _temp.File("station"), OpenTarget = StationTargets.OpenAsync },
            Target = new Uri("virtual://LM3S6965"),
            Port = 0,
        });
        _client = new HttpClient { BaseAddress = _server.Url };
        _client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", _server.ApiKey);
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        Dispose();
    }

    public void Dispose()
    {
        _client.Dispose();
        _signer.Dispose();
        _temp.Dispose();
    }

    [Fact]
    public async Task EveryRequest_NeedsTheApiKey()
    {
        using var anonymous = new HttpClient { BaseAddress = _server.Url };
        var none = await anonymous.GetAsync("/api/station");
        none.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        none.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        (await none.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString()
            .ShouldBe("the request carries no API key; send 'Authorization: Bearer KEY' or 'X-Api-Key: KEY'.");

        anonymous.DefaultRequestHeaders.Add("X-Api-Key", "wrong-key-wrong-key");
        (await anonymous.GetAsync("/api/images")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await anonymous.PostAsync("/api/units", JsonContent.Create(new { imageId = "x" }))).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);

        anonymous.DefaultRequestHeaders.Remove("X-Api-Key");
        anonymous.DefaultRequestHeaders.Add("X-Api-Key", _server.ApiKey);
        (await anonymous.GetAsync("/api/station")).StatusCode.ShouldBe(HttpStatusCode.OK);
        _server.Url.Host.ShouldBe("127.0.0.1");
        File.ReadAllText(_server.Station.Directory.ApiKeyPath).Trim().ShouldBe(_server.ApiKey);
        if (!OperatingSystem.IsWindows()) File.GetUnixFileMode(_server.Station.Directory.ApiKeyPath).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }

    [Fact]
    public async Task UploadListProgramStatusResultsCountersAndLog()
    {
        var imagePath = await ImageFactory.WriteAsync(_temp.File("blinky.imp"), TestImages.Spec(dynamic: true), _signer);
        (await _client.PostAsync("/api/keys", new StringContent(_signer.PublicKey.ExportPem()))).StatusCode.ShouldBe(HttpStatusCode.Created);
        var uploaded = await _client.PostAsync("/api/images", new ByteArrayContent(await File.ReadAllBytesAsync(imagePath)));
        uploaded.StatusCode.ShouldBe(HttpStatusCode.Created);
        var image = await uploaded.Content.ReadFromJsonAsync<JsonElement>();
        var imageId = image.GetProperty("id").GetString()!;
        image.GetProperty("usable").GetBoolean().ShouldBeTrue();

        var list = await _client.GetFromJsonAsync<JsonElement>("/api/images");
        list.EnumerateArray().Single().GetProperty("name").GetString().ShouldBe("blinky");
        var compared = await (await _client.PostAsync("/api/images/compare", new ByteArrayContent(await File.ReadAllBytesAsync(imagePath)))).Content.ReadFromJsonAsync<JsonElement>();
        compared.GetProperty("matches").EnumerateArray().Single().GetString().ShouldBe(imageId);
        var crc = compared.GetProperty("crc").GetString();
        (await _client.GetFromJsonAsync<JsonElement>($"/api/images/compare?crc={crc}")).GetProperty("matches").GetArrayLength().ShouldBe(1);
        (await _client.GetFromJsonAsync<JsonElement>("/api/images/compare?crc=00000001")).GetProperty("matches").GetArrayLength().ShouldBe(0);

        var started = await _client.PostAsJsonAsync("/api/units", new { imageId, data = new Dictionary<string, string> { ["mac"] = "020000ABCDEF" } });
        started.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        var run = await WaitForRunAsync(started.Headers.Location!.OriginalString);
        run.GetProperty("state").GetString().ShouldBe("passed");
        var record = run.GetProperty("record");
        record.GetProperty("dynamic").GetProperty("mac").GetString().ShouldBe("020000ABCDEF");
        record.GetProperty("serials")[0].GetProperty("value").GetUInt64().ShouldBe(1000UL);

        var status = await _client.GetFromJsonAsync<JsonElement>("/api/status");
        status.GetProperty("busy").GetBoolean().ShouldBeFalse();
        status.GetProperty("stationId").GetString().ShouldBe(_server.Station.Identity.Id);
        var recent = await _client.GetFromJsonAsync<JsonElement>("/api/records?limit=5");
        recent.GetArrayLength().ShouldBe(1);
        var recordId = record.GetProperty("id").GetString();
        (await _client.GetFromJsonAsync<JsonElement>($"/api/records/{recordId}")).GetProperty("result").GetString().ShouldBe("pass");
        var counters = await _client.GetFromJsonAsync<JsonElement>("/api/counters");
        counters.GetProperty("images")[0].GetProperty("passed").GetInt32().ShouldBe(1);
        counters.GetProperty("pools")[0].GetProperty("used").GetInt32().ShouldBe(1);

        var csv = (await _client.GetStringAsync("/api/log?format=csv")).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        csv[0].ShouldBe(Imprint.Station.Records.ProgrammingLogWriter.CsvHeader);
        csv[1].ShouldStartWith($"{recordId},");
        var jsonl = (await _client.GetStringAsync("/api/log?format=jsonl")).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        JsonDocument.Parse(jsonl.Single()).RootElement.GetProperty("id").GetString().ShouldBe(recordId);
        (await _client.GetAsync("/api/log?format=xml")).StatusCode.ShouldBe(HttpStatusCode.BadRequest);

        (await _client.DeleteAsync($"/api/images/{imageId}")).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        (await _client.DeleteAsync($"/api/images/{imageId}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task RefusalsAndBadInput_AnswerWithProblemDetails()
    {
        var imagePath = await ImageFactory.WriteAsync(_temp.File("blinky.imp"), TestImages.Spec(dynamic: true), _signer);
        var uploaded = await (await _client.PostAsync("/api/images", new ByteArrayContent(await File.ReadAllBytesAsync(imagePath)))).Content.ReadFromJsonAsync<JsonElement>();
        var imageId = uploaded.GetProperty("id").GetString()!;
        uploaded.GetProperty("usable").GetBoolean().ShouldBeFalse();
        uploaded.GetProperty("problem").GetString().ShouldBe($"signer {_signer.Fingerprint} is not trusted");

        var untrusted = await WaitForRunAsync((await _client.PostAsJsonAsync("/api/units", new { imageId, data = new { mac = "020000ABCDEF" } })).Headers.Location!.OriginalString);
        untrusted.GetProperty("state").GetString().ShouldBe("error");
        untrusted.GetProperty("error").GetString()!.ShouldContain("which this station does not trust");

        (await _client.PostAsync("/api/keys", new StringContent(_signer.PublicKey.ExportPem()))).EnsureSuccessStatusCode();
        var refused = await WaitForRunAsync((await _client.PostAsJsonAsync("/api/units", new { imageId, data = new { mac = "0102" } })).Headers.Location!.OriginalString);
        refused.GetProperty("state").GetString().ShouldBe("refused");
        refused.GetProperty("error").GetString().ShouldBe("dynamic data for slot 'mac' is 2 bytes; the slot takes exactly 6.");

        var unknown = await _client.PostAsJsonAsync("/api/units", new { imageId = "00000000000000000000000000000000" });
        unknown.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await unknown.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString().ShouldBe("the station holds no image 00000000000000000000000000000000.");
        var garbage = await _client.PostAsync("/api/images", new ByteArrayContent([1, 2, 3]));
        garbage.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await _client.PostAsync("/api/keys", new StringContent("not a key"))).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await _client.DeleteAsync("/api/keys/k-none")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        var keys = await _client.GetFromJsonAsync<JsonElement>("/api/keys");
        keys.EnumerateArray().Single().GetProperty("kind").GetString().ShouldBe("signer");
    }

    private async Task<JsonElement> WaitForRunAsync(string location)
    {
        for (int i = 0; i < 500; i++)
        {
            var run = await _client.GetFromJsonAsync<JsonElement>(location);
            if (run.GetProperty("state").GetString() != "running") return run;
            await Task.Delay(20);
        }

        throw new TimeoutException($"run {location} did not finish.");
    }
}
