using System.Text.Json;
using Imprint.Testing;

namespace Imprint.Tests.Commands;

public sealed class QuickstartCommandTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Quickstart_BuildsAnImage_ProgramsUnits_AndSaysWhereTheLogIs()
    {
        var dir = _temp.File("qs");

        var result = await CliRunner.RunAsync("quickstart", "--dir", dir, "--units", "3");

        result.ExitCode.ShouldBe(0, result.StdErr);
        result.StdOut.ShouldContain("3. image ");
        result.StdOut.ShouldContain("encrypted with k-quickstart");
        var rows = result.StdOut.Split('\n').Where(l => l.Contains(" pass ", StringComparison.Ordinal)).ToList();
        rows.Count.ShouldBe(3);
        result.StdOut.ShouldContain($"Log:     ./imprint station log --dir {Path.Combine(dir, "station")}");
        var log = await CliRunner.RunAsync("station", "log", "--dir", Path.Combine(dir, "station"), "--json");
        var records = JsonDocument.Parse(log.StdOut).RootElement.EnumerateArray().ToList();
        records.Select(r => r.GetProperty("serials")[0].GetProperty("value").GetInt32()).ShouldBe([1, 2, 3]);
        records.ShouldAllBe(r => r.GetProperty("result").GetString() == "pass");
    }

    [Fact]
    public async Task Quickstart_OnAPartWithAUniqueId_ShowsEachUnitsUid()
    {
        var result = await CliRunner.RunAsync("quickstart", "--dir", _temp.File("qs"), "--units", "2", "--device", "STM32F407VG");

        result.ExitCode.ShouldBe(0, result.StdErr);
        result.StdOut.ShouldContain("firmware: a generated 16 KiB image (the sample firmware is for LM3S6965, not STM32F407VG)");
        var uids = result.StdOut.Split('\n').Where(l => l.Contains(" pass ", StringComparison.Ordinal)).Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[2]).ToList();
        uids.Count.ShouldBe(2);
        uids.ShouldAllBe(u => u.Length == 24);
        uids.Distinct().Count().ShouldBe(2);
    }
}
