using System.Text.Json;
using Imprint.Testing;

namespace Imprint.Tests.Commands;

public sealed class ProjectCommandTests
{
    [Fact]
    public async Task New_ThenValidate_Passes()
    {
        using var fixture = await ProjectCliFixture.CreateAsync();
        var firmware = await SampleFirmware.GetAsync();
        string dir = fixture.File("starter");

        var created = await fixture.RunAsync("project", "new", dir, "--device", "LM3S6965", "--firmware", firmware.ElfPath);
        created.ExitCode.ShouldBe(0, created.StdErr);
        created.StdOut.ShouldStartWith($"wrote {Path.Combine(dir, "imprint.yaml")} for LM3S6965");
        string yaml = await File.ReadAllTextAsync(Path.Combine(dir, "imprint.yaml"));
        yaml.ShouldContain("address: 0x0003F000");
        yaml.ShouldContain("pool: default");

        var valid = await fixture.RunAsync("project", "validate", Path.Combine(dir, "imprint.yaml"));
        valid.ExitCode.ShouldBe(0, valid.StdErr);
        valid.StdOut.ShouldStartWith("imprint.yaml: valid (SAP for LM3S6965, 6 steps,");
    }

    [Fact]
    public async Task New_ExistingProject_IsKeptUnlessForced()
    {
        using var fixture = await ProjectCliFixture.CreateAsync();
        string before = await File.ReadAllTextAsync(fixture.ProjectPath);
        var refused = await fixture.RunAsync("project", "new", fixture.File(""), "--device", "NRF52832");
        refused.ExitCode.ShouldBe(1);
        refused.StdErr.ShouldBe($"error: {fixture.ProjectPath} already exists; pass --force to replace it.\n");
        (await File.ReadAllTextAsync(fixture.ProjectPath)).ShouldBe(before);

        var forced = await fixture.RunAsync("project", "new", fixture.File(""), "--device", "NRF52832", "--force");
        forced.ExitCode.ShouldBe(0, forced.StdErr);
        (await File.ReadAllTextAsync(fixture.ProjectPath)).ShouldContain("device: NRF52832");
    }

    [Fact]
    public async Task New_UnknownDevice_Fails()
    {
        using var fixture = await ProjectCliFixture.CreateAsync();
        var result = await fixture.RunAsync("project", "new", fixture.File("x"), "--device", "Z80");
        result.ExitCode.ShouldBe(1);
        result.StdErr.ShouldBe("error: unknown device 'Z80'; run `imprint device list` to see the catalog.\n");
        Directory.Exists(fixture.File("x")).ShouldBeFalse();
    }

    [Fact]
    public async Task Validate_BrokenProject_ListsEveryProblem()
    {
        using var fixture = await ProjectCliFixture.CreateAsync();
        string yaml = await File.ReadAllTextAsync(fixture.ProjectPath);
        await File.WriteAllTextAsync(fixture.ProjectPath, yaml
            .Replace("program-serial: sn", "program-serial: mac", StringComparison.Ordinal)
            .Replace("type: sap", "type: job", StringComparison.Ordinal));

        var result = await fixture.RunAsync("project", "validate", fixture.ProjectPath);
        result.ExitCode.ShouldBe(1);
        result.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries).ShouldBe([
            "error: imprint.yaml: cloud is required for a job image; give the account, factory and url it is bound to.",
            "error: imprint.yaml: script[3].serial names unknown serial 'mac' (defined: sn)."]);

        var json = await fixture.RunAsync("project", "validate", fixture.ProjectPath, "--json");
        json.ExitCode.ShouldBe(1);
        using var doc = JsonDocument.Parse(json.StdOut);
        doc.RootElement.GetProperty("valid").GetBoolean().ShouldBeFalse();
        doc.RootElement.GetProperty("errors")[1].GetProperty("field").GetString().ShouldBe("script[3].serial");
        doc.RootElement.GetProperty("errors")[1].GetProperty("line").GetInt32().ShouldBeGreaterThan(40);
    }

    [Fact]
    public async Task Validate_YamlSyntaxError_NamesTheLine()
    {
        using var fixture = await ProjectCliFixture.CreateAsync();
        await File.WriteAllTextAsync(fixture.ProjectPath, "name: x\ndevice: LM3S6965\nscript: [program\n");
        var result = await fixture.RunAsync("project", "validate", fixture.ProjectPath);
        result.ExitCode.ShouldBe(1);
        result.StdErr.ShouldStartWith("error: imprint.yaml: line 4, column 1: ");
    }
}
