using System.Text.Json;
using Imprint.Testing;

namespace Imprint.Tests.Commands;

public sealed class DeviceCommandTests
{
    private const string Pdsc = """
        <?xml version="1.0" encoding="UTF-8"?>
        <package schemaVersion="1.7.36">
          <vendor>Acme</vendor>
          <name>Cli_DFP</name>
          <devices>
            <family Dfamily="Cli" Dvendor="Acme:99">
              <processor Dcore="Cortex-M4"/>
              <device Dname="CLI1M">
                <memory name="Flash" access="rx" start="0x08000000" size="0x100000" default="1" startup="1"/>
                <memory name="SRAM" access="rwx" start="0x20000000" size="0x20000" default="1"/>
                <algorithm name="Flash/Test.FLM" start="0x08000000" size="0x100000" default="1"/>
              </device>
            </family>
          </devices>
        </package>
        """;

    [Fact]
    public async Task List_ShowsTheBuiltInCatalog()
    {
        using var temp = new TempDirectory();

        var result = await CliRunner.RunAsync("device", "list", "--dir", temp.Path);

        result.ExitCode.ShouldBe(0, result.StdErr);
        result.StdOut.ShouldStartWith("NAME ");
        foreach (var name in new[] { "LM3S6965", "MPS2-AN385", "NRF52832", "STM32F030F4", "STM32F407VG" }) result.StdOut.ShouldContain(name);
    }

    [Fact]
    public async Task List_Json_IsOneDocument()
    {
        using var temp = new TempDirectory();

        var result = await CliRunner.RunAsync("device", "list", "--dir", temp.Path, "--json");

        result.ExitCode.ShouldBe(0, result.StdErr);
        using var json = JsonDocument.Parse(result.StdOut);
        var lm3s = json.RootElement.EnumerateArray().Single(d => d.GetProperty("name").GetString() == "LM3S6965");
        lm3s.GetProperty("flashBytes").GetUInt64().ShouldBe(256UL * 1024);
        lm3s.GetProperty("flashMethod").GetString().ShouldBe("memoryWrites");
        json.RootElement.GetArrayLength().ShouldBe(5);
    }

    [Fact]
    public async Task Show_PrintsTheSectorLayout()
    {
        var result = await CliRunner.RunAsync("device", "show", "stm32f407vg");

        result.ExitCode.ShouldBe(0, result.StdErr);
        result.StdOut.ShouldStartWith("STM32F407VG: STMicroelectronics, Cortex-M4 (built-in)\n");
        result.StdOut.ShouldContain("0x08000000-0x080FFFFF  1 MiB    sectors 4 x 16 KiB, 1 x 64 KiB, 7 x 128 KiB; page 1 KiB; erased 0xFF");
        result.StdOut.ShouldContain("unique ID     12 bytes at 0x1FFF7A10");
    }

    [Fact]
    public async Task Show_Json_HasTheMemoryMap()
    {
        var result = await CliRunner.RunAsync("device", "show", "NRF52832", "--json");

        result.ExitCode.ShouldBe(0, result.StdErr);
        using var json = JsonDocument.Parse(result.StdOut);
        var flash = json.RootElement.GetProperty("memory")[0];
        flash.GetProperty("start").GetUInt64().ShouldBe(0UL);
        flash.GetProperty("programGranularity").GetUInt32().ShouldBe(4u);
        var run = flash.GetProperty("sectors")[0];
        (run.GetProperty("size").GetUInt64(), run.GetProperty("count").GetUInt64()).ShouldBe((4096UL, 128UL));
        json.RootElement.GetProperty("uniqueId").GetProperty("address").GetUInt64().ShouldBe(0x10000060UL);
    }

    [Fact]
    public async Task Show_UnknownDevice_FailsWithOneLine()
    {
        var result = await CliRunner.RunAsync("device", "show", "NOPE");

        result.ExitCode.ShouldBe(1);
        result.StdErr.ShouldBe("error: unknown device 'NOPE'; run `imprint device list` to see the catalog.\n");
        result.StdOut.ShouldBeEmpty();
    }

    [SharedDataFact]
    public async Task Import_SharedPdsc_ReportsMissingAlgorithmsAndFillsTheFolder()
    {
        using var temp = new TempDirectory();

        var result = await CliRunner.RunAsync("device", "import", SharedTestData.Stm32F4Pdsc, "--dir", temp.Path);

        result.ExitCode.ShouldBe(0, result.StdErr);
        result.StdOut.ShouldBe($"imported 149 devices into {temp.Path}.\n");
        result.StdErr.ShouldContain("warning: algorithm file CMSIS/Flash/STM32F4xx_OTP.FLM (named by 98 devices, for example STM32F401CB) was not found; the regions it programs were imported from the pdsc alone, without a sector layout.\n");
        Directory.GetFiles(temp.Path, "*.yaml").Length.ShouldBe(149);

        var list = await CliRunner.RunAsync("device", "list", "--dir", temp.Path, "--json");
        using var json = JsonDocument.Parse(list.StdOut);
        json.RootElement.GetArrayLength().ShouldBe(153);
    }

    [Fact]
    public async Task Import_PackWithAlgorithm_WritesTheFlmAndShowNamesIt()
    {
        var algorithm = await TestFlashAlgorithm.GetAsync();
        using var temp = new TempDirectory();
        string pack = temp.File("Acme.Cli_DFP.pack");
        using (var zip = System.IO.Compression.ZipFile.Open(pack, System.IO.Compression.ZipArchiveMode.Create))
        {
            using (var writer = new StreamWriter(zip.CreateEntry("Acme.Cli_DFP.pdsc").Open())) writer.Write(Pdsc);
            using var flm = zip.CreateEntry("Flash/Test.FLM").Open();
            flm.Write(algorithm.Bytes);
        }

        string folder = temp.File("devices");

        var result = await CliRunner.RunAsync("device", "import", pack, "--device", "CLI1M", "--dir", folder, "--json");

        result.ExitCode.ShouldBe(0, result.StdErr);
        using var json = JsonDocument.Parse(result.StdOut);
        json.RootElement.GetProperty("files").EnumerateArray().Select(f => Path.GetFileName(f.GetString())).ShouldBe(["CLI1M.yaml", "Test.FLM"]);
        json.RootElement.GetProperty("missingAlgorithms").GetArrayLength().ShouldBe(0);
        File.ReadAllBytes(Path.Combine(folder, "Test.FLM")).ShouldBe(algorithm.Bytes);

        var show = await CliRunner.RunAsync("device", "show", "CLI1M", "--dir", folder);
        show.StdOut.ShouldContain("flash method  algorithm (Test.FLM)");
        show.StdOut.ShouldContain("sectors 4 x 16 KiB, 1 x 64 KiB, 7 x 128 KiB; page 1 KiB; erased 0xFF; Test.FLM");
    }

    [Fact]
    public async Task Import_MalformedPdsc_FailsAndWritesNothing()
    {
        using var temp = new TempDirectory();
        File.WriteAllText(temp.File("bad.pdsc"), Pdsc.Replace("size=\"0x20000\"", "size=\"lots\"", StringComparison.Ordinal));
        string folder = temp.File("devices");

        var result = await CliRunner.RunAsync("device", "import", temp.File("bad.pdsc"), "--dir", folder);

        result.ExitCode.ShouldBe(1);
        result.StdErr.ShouldBe("error: bad.pdsc line 10: memory SRAM has a size that is not a number ('lots').\n");
        Directory.Exists(folder).ShouldBeFalse();
    }
}
