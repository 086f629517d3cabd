using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Imprint.Testing;

namespace Imprint.Tests.Commands;

public sealed class StationCommandTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Serve_ListensOnLoopback_NeedsItsKey_AndStopsCleanlyOnSigterm()
    {
        var dir = _temp.File("st");
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { Path.Combine(AppContext.BaseDirectory, "imprint.dll"), "station", "serve", "--dir", dir, "--target", "virtual://LM3S6965", "--port", "0" })
        {
            psi.ArgumentList.Add(a);
        }

        using var process = Process.Start(psi)!;
        try
        {
            var line = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60)) ?? throw new InvalidOperationException(await process.StandardError.ReadToEndAsync());
            line.ShouldStartWith("station st-");
            line.ShouldContain($"(API key in {Path.Combine(dir, "api-key")}), target virtual://LM3S6965");
            var url = line.Split(' ')[4];
            url.ShouldStartWith("http://127.0.0.1:");

            using var client = new HttpClient { BaseAddress = new Uri(url) };
            (await client.GetAsync("/api/station")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", (await File.ReadAllTextAsync(Path.Combine(dir, "api-key"))).Trim());
            var station = JsonDocument.Parse(await client.GetStringAsync("/api/station")).RootElement;
            line.ShouldStartWith($"station {station.GetProperty("id").GetString()} listening on {url}");

            var busy = await CliRunner.RunAsync("program", _temp.File("none.imp"), "--target", "virtual://LM3S6965", "--station-dir", dir);
            busy.ExitCode.ShouldBe(1);
            busy.StdErr.ShouldContain($"is in use by another process (pid {process.Id})");

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
