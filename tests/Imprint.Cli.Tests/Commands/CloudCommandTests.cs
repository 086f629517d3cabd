using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Imprint.Testing;

namespace Imprint.Tests.Commands;

/// <summary>The `imprint cloud` commands as a user runs them: bootstrap, serve, then drive the API with the credentials file.</summary>
public sealed class CloudCommandTests
{
    [Fact]
    public async Task AccountCreate_Serve_FactoryAndJobCommands()
    {
        using var temp = new TempDirectory();
        var db = temp.File("cloud.db");
        var port = FreePort();
        var url = $"http://127.0.0.1:{port}";
        var creds = temp.File("owner.json");

        var created = await CliRunner.RunAsync("cloud", "account", "create", "--name", "Acme", "--db", db, "--cloud-url", url, "-o", creds, "--json");
        created.ExitCode.ShouldBe(0, created.StdErr);
        JsonDocument.Parse(created.StdOut).RootElement.GetProperty("defaultFactory").GetProperty("name").GetString().ShouldBe("My Default Factory");
        File.ReadAllText(creds).ShouldContain("\"secret\"");

        // Blobs in the database and forwarded headers from a proxy on loopback, as several instances behind a TLS proxy run.
        using var serve = Start("cloud", "serve", "--db", db, "--urls", url, "--data", temp.File("data"), "--blobs", "db", "--behind-proxy");
        try
        {
            await WaitReadyAsync(url);
            var list = await CliRunner.RunAsync("cloud", "factory", "list", "--credentials", creds, "--json");
            list.ExitCode.ShouldBe(0, list.StdErr);
            var factoryId = JsonDocument.Parse(list.StdOut).RootElement[0].GetProperty("id").GetString()!;

            var made = await CliRunner.RunAsync("cloud", "factory", "create", "East Coast", "--credentials", creds);
            made.StdOut.ShouldContain("(East Coast)");
            var eastId = made.StdOut.Split(' ')[2];
            var token = await CliRunner.RunAsync("cloud", "station", "provision-token", "--factory", factoryId, "--credentials", creds, "--json");
            var tokenText = JsonDocument.Parse(token.StdOut).RootElement.GetProperty("token").GetString()!;
            tokenText.ShouldStartWith("pt_");

            // A station registers its identity key with the token; the token is single-use.
            var provisioned = await CliRunner.RunAsync("station", "provision", "--dir", temp.File("station"), "--cloud", url, "--token", tokenText, "--json");
            provisioned.ExitCode.ShouldBe(0, provisioned.StdErr);
            JsonDocument.Parse(provisioned.StdOut).RootElement.GetProperty("factoryId").GetString().ShouldBe(factoryId);
            File.Exists(Path.Combine(temp.File("station"), "cloud.json")).ShouldBeTrue();
            var stationId = JsonDocument.Parse(provisioned.StdOut).RootElement.GetProperty("stationId").GetString()!;
            var moved = await CliRunner.RunAsync("cloud", "station", "reassign", stationId, "--factory", eastId, "--credentials", creds);
            moved.StdOut.Trim().ShouldBe($"Station {stationId} is now in factory {eastId}.", moved.StdErr);
            var east = await CliRunner.RunAsync("cloud", "station", "list", "--factory", eastId, "--credentials", creds, "--json");
            JsonDocument.Parse(east.StdOut).RootElement[0].GetProperty("id").GetString().ShouldBe(stationId);
            var again = await CliRunner.RunAsync("station", "provision", "--dir", temp.File("station2"), "--cloud", url, "--token", tokenText);
            again.ExitCode.ShouldBe(1);
            again.StdErr.ShouldStartWith("error: ");
            var second = temp.File("ci.json");
            (await CliRunner.RunAsync("cloud", "credentials", "create", "--name", "ci", "-o", second, "--credentials", creds)).ExitCode.ShouldBe(0);
            var jobs = await CliRunner.RunAsync("cloud", "job", "list", "--credentials", second);
            jobs.StdOut.ShouldStartWith("ID");

            // A real encrypted JOB image: register its metadata and upload it.
            var key = Imprint.Keys.EncryptionKey.Create("customer-a");
            key.Save(temp.File("customer.key"));
            using (var signer = Imprint.Keys.SigningKey.Create())
            {
                await Imprint.Images.ImageWriter.WriteAsync(Imprint.Testing.Images.ImageSamples.Content(Imprint.Projects.ImageType.Job), temp.File("job.imp"), signer, key);
            }

            var registered = await CliRunner.RunAsync("cloud", "job", "register", temp.File("job.imp"), "--key", temp.File("customer.key"),
                "--factory", factoryId, "--upload", "--credentials", creds, "--json");
            registered.ExitCode.ShouldBe(0, registered.StdErr);
            var jobId = JsonDocument.Parse(registered.StdOut).RootElement.GetProperty("id").GetString()!;
            JsonDocument.Parse(registered.StdOut).RootElement.GetProperty("hasImage").GetBoolean().ShouldBeTrue();
            Directory.Exists(Path.Combine(temp.File("data"), "blobs")).ShouldBeFalse(); // --blobs db: the image went into the database

            using (var http = new HttpClient(new HttpClientHandler { UseCookies = false }))
            using (var signIn = new HttpRequestMessage(HttpMethod.Get, url + "/signin"))
            {
                signIn.Headers.Add("X-Forwarded-Proto", "https");
                using var page = await http.SendAsync(signIn);
                page.Headers.GetValues("Set-Cookie").ShouldContain(c => c.StartsWith("imprint.antiforgery=", StringComparison.Ordinal) && c.Contains("; secure", StringComparison.Ordinal));
            }
            (await CliRunner.RunAsync("cloud", "job", "pause", jobId, "--credentials", creds)).StdOut.ShouldContain("is paused");
            var shown = await CliRunner.RunAsync("cloud", "job", "show", jobId, "--credentials", creds);
            shown.StdOut.ShouldContain("[paused]");
            var log = await CliRunner.RunAsync("cloud", "job", "log", jobId, "--csv", "--credentials", creds);
            log.StdOut.ShouldStartWith("id,job_id,image_id");

            var missing = await CliRunner.RunAsync("cloud", "job", "pause", "job_nope", "--credentials", creds);
            missing.ExitCode.ShouldBe(1);
            missing.StdErr.Trim().ShouldBe("error: Job 'job_nope' does not exist in this account.");
            var noFile = await CliRunner.RunAsync("cloud", "job", "list", "--credentials", temp.File("none.json"));
            noFile.StdErr.ShouldContain("no credentials file there");
        }
        finally
        {
            serve.Kill(entireProcessTree: true);
            await serve.WaitForExitAsync();
        }
    }

    internal static Process Start(params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "imprint.dll"));
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        var process = Process.Start(psi)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    internal static async Task WaitReadyAsync(string url)
    {
        using var http = new HttpClient();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                if ((await http.GetAsync(url + "/ready")).StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(200);
        }

        throw new TimeoutException("imprint cloud serve did not become ready in 60 s.");
    }

    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
