using System.Diagnostics;
using System.Text.Json;
using Imprint.Keys;
using Imprint.Projects;
using Imprint.Station;
using Imprint.Station.Records;
using Imprint.Station.State;
using Imprint.Testing;

namespace Imprint.Tests.Commands;

/// <summary>
/// `imprint station sync`, `requeue`, `log --rejected` and the daemon's periodic sync, against a
/// real `imprint cloud serve` as a user runs them.
/// </summary>
public sealed class StationSyncCommandTests
{
    [Fact]
    public async Task Sync_FetchesTheJobImage_LogShowsUploads_RejectedRecordsCanBeRequeued_AndServeSyncs()
    {
        using var temp = new TempDirectory();
        var url = $"http://127.0.0.1:{CloudCommandTests.FreePort()}";
        var creds = temp.File("owner.json");
        var st = temp.File("station");
        (await CliRunner.RunAsync("cloud", "account", "create", "--name", "Acme", "--db", temp.File("cloud.db"), "--cloud-url", url, "-o", creds)).ExitCode.ShouldBe(0);

        var notProvisioned = await CliRunner.RunAsync("station", "sync", "--dir", st);
        notProvisioned.ExitCode.ShouldBe(1);
        notProvisioned.StdErr.Trim().ShouldBe($"error: {st} holds no provisioned station (no cloud.json); run imprint station provision first, or give --dir.");

        using var serve = CloudCommandTests.Start("cloud", "serve", "--db", temp.File("cloud.db"), "--urls", url, "--data", temp.File("data"));
        try
        {
            await CloudCommandTests.WaitReadyAsync(url);
            var accountId = JsonDocument.Parse(await File.ReadAllTextAsync(creds)).RootElement.GetProperty("accountId").GetString()!;
            var factoryId = JsonDocument.Parse((await CliRunner.RunAsync("cloud", "factory", "list", "--credentials", creds, "--json")).StdOut).RootElement[0].GetProperty("id").GetString()!;

            // The owner publishes an encrypted JOB image with the cloud; the station holds the keys, not the image.
            var key = EncryptionKey.Create("k-line");
            key.Save(temp.File("customer.key"));
            using (var signer = SigningKey.Create())
            {
                signer.PublicKey.Save(temp.File("signer.pub"));
                await StationImageSample.WriteAsync(temp.File("job.imp"), signer, binding: new CloudBinding(accountId, factoryId, url), key: key);
            }

            var registered = await CliRunner.RunAsync("cloud", "job", "register", temp.File("job.imp"), "--key", temp.File("customer.key"),
                "--factory", factoryId, "--upload", "--credentials", creds, "--json");
            registered.ExitCode.ShouldBe(0, registered.StdErr);
            var job = JsonDocument.Parse(registered.StdOut).RootElement;
            var (jobId, imageId) = (job.GetProperty("id").GetString()!, job.GetProperty("imageId").GetString()!);
            var token = JsonDocument.Parse((await CliRunner.RunAsync("cloud", "station", "provision-token", "--factory", factoryId, "--credentials", creds, "--json")).StdOut)
                .RootElement.GetProperty("token").GetString()!;
            (await CliRunner.RunAsync("station", "provision", "--dir", st, "--cloud", url, "--token", token)).ExitCode.ShouldBe(0);
            (await CliRunner.RunAsync("station", "keys", "add", temp.File("signer.pub"), temp.File("customer.key"), "--dir", st)).ExitCode.ShouldBe(0);

            var sync = await CliRunner.RunAsync("station", "sync", "--dir", st);
            sync.ExitCode.ShouldBe(0, sync.StdErr);
            var size = new FileInfo(temp.File("job.imp")).Length;
            sync.StdOut.ShouldBe(
                $"fetched  {jobId}  downloaded image cli-sample ({imageId}) of job {jobId} ({size} bytes) and added it to the station.\n" +
                "records: 0 uploaded, 0 queued, 0 rejected.\n");
            var again = JsonDocument.Parse((await CliRunner.RunAsync("station", "sync", "--dir", st, "--json")).StdOut).RootElement;
            again.GetProperty("images")[0].GetProperty("outcome").GetString().ShouldBe("held");

            // The synced image programs a unit with the cloud's permission; its record went up at once.
            var stored = Path.Combine(st, "images", imageId + ".imp");
            var program = await CliRunner.RunAsync("program", stored, "--target", "virtual://LM3S6965", "--data", "mac=020000ABCDEF", "--station-dir", st);
            program.ExitCode.ShouldBe(0, program.StdErr);

            // A unit left open by a killed station whose grant the cloud does not know: the next start records
            // it as interrupted, and the cloud rejects it.
            const string badId = "01JCLIREJECTED000000000000";
            await using (var station = await Station.Station.OpenAsync(new StationOptions { Directory = st }))
            {
                var image = await station.OpenImageAsync(imageId);
                await station.State.BeginUnitAsync(new UnitStart(badId, imageId, "cli-sample", image.Crc, "virtual://LM3S6965", DateTimeOffset.UtcNow, Restrictions.None, [],
                    new CloudUnit("grt_0000000000000000000000", jobId, 0, new Dictionary<string, ulong>())));
            }

            var rejectedSync = await CliRunner.RunAsync("station", "sync", "--dir", st);
            rejectedSync.ExitCode.ShouldBe(0, rejectedSync.StdErr);
            rejectedSync.StdOut.ShouldEndWith(
                "records: 0 uploaded, 0 queued, 1 rejected.\nsee them with imprint station log --rejected; put one back with imprint station requeue RECORD-ID.\n");

            var rejected = await CliRunner.RunAsync("station", "log", "--dir", st, "--rejected");
            rejected.StdOut.ShouldStartWith("record ");
            var lines = rejected.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            lines.Length.ShouldBe(2);
            lines[1].ShouldStartWith(badId + " ");
            lines[1].ShouldContain("   404  records[0]: grant 'grt_0000000000000000000000' has no unit 0 for station '");
            var table = (await CliRunner.RunAsync("station", "log", "--dir", st)).StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            table[0].ShouldContain(" result      upload   image ");
            table[1].ShouldContain(" pass        uploaded cli-sample ");
            table[2].ShouldContain(" interrupted rejected cli-sample ");
            (await CliRunner.RunAsync("station", "counters", "--dir", st)).StdOut.ShouldEndWith("cloud uploads: 0 queued, 1 rejected\n");

            var requeue = await CliRunner.RunAsync("station", "requeue", badId, "--dir", st);
            requeue.ExitCode.ShouldBe(0, requeue.StdErr);
            requeue.StdOut.ShouldBe($"record {badId} is queued for upload again.\n");
            var twice = await CliRunner.RunAsync("station", "requeue", badId, "--dir", st);
            twice.ExitCode.ShouldBe(1);
            twice.StdErr.Trim().ShouldBe($"error: record {badId} is queued for upload already.");
            JsonDocument.Parse((await CliRunner.RunAsync("station", "counters", "--dir", st, "--json")).StdOut).RootElement
                .GetProperty("uploads").GetProperty("queued").GetInt32().ShouldBe(1);

            // The daemon uploads at start (the requeued record is rejected again, and says so) and stops cleanly.
            await ServeOnceAsync(st, $"sync: the cloud rejected record {badId} (404): records[0]: grant 'grt_0000000000000000000000' has no unit 0 for station '");
        }
        finally
        {
            serve.Kill(entireProcessTree: true);
            await serve.WaitForExitAsync();
        }
    }

    private static async Task ServeOnceAsync(string dir, string expected)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { Path.Combine(AppContext.BaseDirectory, "imprint.dll"), "station", "serve", "--dir", dir, "--target", "virtual://LM3S6965", "--port", "0", "--sync-interval", "5" })
        {
            psi.ArgumentList.Add(a);
        }

        using var process = Process.Start(psi)!;
        try
        {
            var output = new List<string>();
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (!output.Any(l => l.Contains(expected, StringComparison.Ordinal)))
            {
                var line = await process.StandardOutput.ReadLineAsync().WaitAsync(deadline - DateTime.UtcNow)
                    ?? throw new InvalidOperationException(string.Join("\n", output) + await process.StandardError.ReadToEndAsync());
                output.Add(line);
            }

            output[0].ShouldStartWith("station st-");
            using (var kill = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                await kill.WaitForExitAsync();
            }

            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
            process.ExitCode.ShouldBe(0);
        }
        finally
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
        }
    }
}
