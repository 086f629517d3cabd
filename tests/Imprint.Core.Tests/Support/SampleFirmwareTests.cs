using Imprint.Testing;

namespace Imprint.Tests.Support;

public sealed class SampleFirmwareTests
{
    [Fact]
    public async Task GetAsync_BuildsElfAndObjcopyOutputsOnce()
    {
        var first = await SampleFirmware.GetAsync();
        var second = await SampleFirmware.GetAsync();

        second.ShouldBeSameAs(first);
        foreach (var path in new[] { first.ElfPath, first.HexPath, first.SRecPath, first.BinPath })
        {
            new FileInfo(path).Length.ShouldBeGreaterThan(0, path);
        }

        // The banner is initialized data: its load image sits in flash, so the raw binary holds it.
        var bin = await File.ReadAllBytesAsync(first.BinPath);
        System.Text.Encoding.ASCII.GetString(bin).ShouldContain(SampleFirmware.Banner);
    }

    [Fact]
    public async Task RunAsync_ReportsExitCodeAndStreams()
    {
        var result = await ExternalTool.RunAsync("bash", ["-c", "echo out; echo err >&2; exit 3"]);

        result.ShouldBe(new ExternalToolResult(3, "out\n", "err\n"));
        var ex = await Should.ThrowAsync<InvalidOperationException>(() => ExternalTool.RunCheckedAsync("bash", ["-c", "echo broken >&2; exit 1"]));
        ex.Message.ShouldContain("broken");
    }

    [Fact]
    public void FreePort_Next_ReturnsBindablePort()
    {
        int port = FreePort.Next();

        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, port);
        listener.Start();
        port.ShouldBeGreaterThan(0);
    }
}
