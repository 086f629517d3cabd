using System.Diagnostics;
using Imprint.Devices;
using Imprint.Targets.Gdb;
using Imprint.Targets.Virtual;
using Imprint.Testing;

namespace Imprint.Tests.Commands;

public sealed class TargetCommandTests
{
    [Fact]
    public async Task Virtual_ServesGdbUntilSigterm_WithSeededUniqueId()
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { Path.Combine(AppContext.BaseDirectory, "imprint.dll"), "target", "virtual", "--device", "stm32f407vg", "--gdb-port", "0", "--seed", "3" })
        {
            psi.ArgumentList.Add(a);
        }

        using var process = Process.Start(psi)!;
        try
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            string line = (await process.StandardOutput.ReadLineAsync(cts.Token))!;
            line.ShouldStartWith("virtual STM32F407VG listening on gdb://127.0.0.1:");
            var url = new Uri(line[(line.IndexOf("gdb://", StringComparison.Ordinal))..]);

            var device = DeviceCatalog.BuiltIn.Get("STM32F407VG");
            await using (var session = await GdbTargetSession.ConnectAsync(url.Host, url.Port, device, cancellationToken: cts.Token))
            {
                string uid = await session.MonitorAsync("uid", cts.Token);
                uid.ShouldBe(Convert.ToHexString(new VirtualMcu(device, seed: 3).UniqueId.Span) + "\n");
            }

            await ExternalTool.RunCheckedAsync("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            await process.WaitForExitAsync(cts.Token);
            process.ExitCode.ShouldBe(0, await process.StandardError.ReadToEndAsync(cts.Token));
        }
        finally
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
        }
    }

    [Fact]
    public async Task Virtual_UnknownDevice_OneLineError()
    {
        var result = await CliRunner.RunAsync("target", "virtual", "--device", "NOPE42", "--gdb-port", "0");
        result.ExitCode.ShouldBe(1);
        result.StdErr.ShouldBe("error: unknown device 'NOPE42'; run `imprint device list` to see the catalog.\n");
    }

    [Fact]
    public async Task Virtual_PortInUse_OneLineError()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        int port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        var result = await CliRunner.RunAsync("target", "virtual", "--device", "LM3S6965", "--gdb-port", port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        result.ExitCode.ShouldBe(1);
        result.StdErr.ShouldStartWith($"error: cannot listen on 127.0.0.1:{port}: ");
        result.StdErr.Trim().Split('\n').Length.ShouldBe(1);
    }
}
