using System.Buffers.Binary;
using Imprint.Devices;
using Imprint.Images;
using Imprint.Keys;
using Imprint.Projects;
using Imprint.Station;
using Imprint.Station.Records;
using Imprint.Targets;
using Imprint.Targets.Virtual;
using Imprint.Testing;
using Imprint.Tests.Support;

namespace Imprint.Tests;

/// <summary>The station over real GDB RSP connections: the virtual target's GDB server and QEMU.</summary>
public sealed class StationTargetTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly SigningKey _signer = SigningKey.Create();

    public void Dispose()
    {
        _signer.Dispose();
        _temp.Dispose();
    }

    [Fact]
    public async Task ConnectionDroppedMidProgram_FailsTheUnitClearly_ReturnsTheSerial_AndTheStationGoesOn()
    {
        var path = await ImageFactory.WriteAsync(_temp.File("blinky.imp"), TestImages.Spec(), _signer, firmware: TestImages.Firmware(0x8000));
        var mcu = new VirtualMcu(TestDevices.Lm3s6965(), 3, new VirtualFaults { DropConnectionAfterBytes = 8_000 });
        await using var server = VirtualGdbServer.Start(mcu);
        await using var station = await OpenAsync();
        var id = (await station.Images.AddAsync(path)).ImageId;

        var failed = await station.ProgramAsync(id, server.Url);
        var passed = await station.ProgramAsync(id, server.Url);

        failed.Result.ShouldBe(UnitResult.Fail);
        failed.FailureStep.ShouldBe("5:program", failed.FailureMessage);
        failed.Steps.Single(s => s.Outcome == StepOutcome.Failed).Message.ShouldBe(failed.FailureMessage);
        failed.FailureMessage.ShouldStartWith($"The connection to the debug server at 127.0.0.1:{server.Port} was lost while writing");
        passed.Result.ShouldBe(UnitResult.Pass, passed.FailureMessage);
        passed.Serials.Single().Value.ShouldBe(failed.Serials.Single().Value);
        passed.Target.ShouldBe(server.Url.OriginalString);
        var counters = await station.State.GetCountersAsync();
        counters.Images.Single().ShouldSatisfyAllConditions(c => c.Passed.ShouldBe(1), c => c.Failed.ShouldBe(1));
        counters.Pools.Single().ShouldSatisfyAllConditions(p => p.Used.ShouldBe(1), p => p.Free.ShouldBe(0), p => p.Reserved.ShouldBe(0));
    }

    [QemuFact]
    public async Task SampleProject_OnQemu_TwentyUnitsWithARestart_AndTheFirmwarePrintsItsSerial()
    {
        var firmware = await SampleFirmware.GetAsync();
        var projectText = await File.ReadAllTextAsync(RepositoryRoot.Combine("samples", "projects", "lm3s6965", "imprint.yaml"));
        var projectPath = _temp.File("imprint.yaml");
        await File.WriteAllTextAsync(projectPath, projectText.Replace("../../firmware/lm3s6965/build/firmware.elf", firmware.ElfPath, StringComparison.Ordinal));
        var resolved = await ProjectReader.Load(projectPath).ResolveAsync(DeviceCatalog.BuiltIn);
        var imagePath = _temp.File("sample.imp");
        await ImageWriter.WriteAsync(new ImageContent(resolved.Spec, resolved.Sections, new BuildInfo(DateTimeOffset.UnixEpoch, "tests", "tests")), imagePath, _signer);
        await using var qemu = await QemuMachine.StartAsync();
        var target = new Uri($"gdb://127.0.0.1:{qemu.Port}");
        var records = new List<ProgrammingRecord>();
        string imageId;
        await using (var station = await OpenAsync())
        {
            imageId = (await station.Images.AddAsync(imagePath)).ImageId;
            for (int i = 0; i < 10; i++) records.Add(await station.ProgramAsync(imageId, target));
        }

        await using (var station = await OpenAsync())
        {
            for (int i = 0; i < 10; i++) records.Add(await station.ProgramAsync(imageId, target));
            (await station.State.GetCountersAsync()).Images.Single().Passed.ShouldBe(20);
        }

        records.ShouldAllBe(r => r.Result == UnitResult.Pass, string.Join("; ", records.Select(r => r.FailureMessage)));
        records.Select(r => r.Serials.Single().Value).ShouldBe(Enumerable.Range(1, 20).Select(v => (ulong)v));
        var did = new byte[8];
        BinaryPrimitives.WriteUInt32LittleEndian(did, 0x10010002);
        BinaryPrimitives.WriteUInt32LittleEndian(did.AsSpan(4), 0x1073402E);
        records.ShouldAllBe(r => r.Data["uid"] == Convert.ToHexString(did));
        (await qemu.WaitForUartAsync("serial=20\n", TimeSpan.FromSeconds(10))).ShouldEndWith($"{SampleFirmware.Banner}\nserial=20\n");
    }

    private async Task<Station.Station> OpenAsync()
    {
        var station = await Station.Station.OpenAsync(new StationOptions { Directory = _temp.File("station"), OpenTarget = TargetConnector.OpenAsync });
        station.Keys.Add(_signer.PublicKey);
        return station;
    }
}
