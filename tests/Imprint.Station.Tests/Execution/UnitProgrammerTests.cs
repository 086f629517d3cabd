using Imprint.Devices;
using System.Buffers.Binary;
using Imprint.Projects;
using Imprint.Station;
using Imprint.Station.Execution;
using Imprint.Station.Records;
using Imprint.Station.State;
using Imprint.Targets.Virtual;
using Imprint.Testing;
using Imprint.Tests.Support;

namespace Imprint.Tests.Execution;

public sealed class UnitProgrammerTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly FakeTimeProvider _time = new();
    private readonly RecordedPowerSwitch _power = new();
    private readonly StationState _state;
    private readonly UnitProgrammer _programmer;

    public UnitProgrammerTests()
    {
        _state = StationState.Open(new StationDirectory(_temp.File("station")));
        _programmer = new UnitProgrammer(_state, "st-test", _time, _power);
    }

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Pass_WritesFirmwareAndSerial_AndRecordsEveryStep()
    {
        var image = TestImages.Open(TestImages.Spec(dynamic: true));
        var mcu = new VirtualMcu(TestDevices.Lm3s6965(), seed: 7);
        var events = new List<UnitProgress>();

        var record = await _programmer.ProgramAsync(
            image, new VirtualTargetSession(mcu), new Dictionary<string, byte[]> { ["mac"] = [2, 0, 0, 0xAB, 0xCD, 0xEF] }, new SyncProgress<UnitProgress>(events.Add));

        record.Result.ShouldBe(UnitResult.Pass, record.FailureMessage);
        var flash = new byte[0x3000];
        mcu.ReadMemory(0, flash);
        flash.ShouldBe(image.Firmware.ToFlatArray(0xFF));
        var serial = new byte[4];
        mcu.ReadMemory(TestDevices.SerialAddress, serial);
        BinaryPrimitives.ReadUInt32LittleEndian(serial).ShouldBe(1000u);
        record.Serials.ShouldBe([new SerialIssue("sn", "main", 0, 1000, "E8030000")]);
        record.Data["uid"].ShouldBe(Convert.ToHexString(mcu.UniqueId.Span));
        record.Data.Keys.ShouldContain("did0");
        record.Dynamic["mac"].ShouldBe("020000ABCDEF");
        record.Tests.ShouldHaveSingleItem().ShouldSatisfyAllConditions(t => t.Passed.ShouldBeTrue(), t => t.Value.ShouldBe(0UL));
        record.Steps.Select(s => s.Step).ShouldBe(
        [
            "power on", "erase sectors", "erase range 0x0003F000+0x800", "blank check", "program", "verify read-back", "program serial sn",
            "program dynamic mac", "read uid", "read did0", "run test selftest", "reset", "delay 5 ms", "power off (after unit)",
        ]);
        record.Steps.ShouldAllBe(s => s.Outcome == StepOutcome.Ok);
        record.StationId.ShouldBe("st-test");
        record.Target.ShouldBe("virtual://LM3S6965");
        record.ImageCrc.ShouldBe(0xC0FFEEu);
        _power.History.Select(h => h.On).ShouldBe([true, false]);
        events.Where(e => e.Phase == StepPhase.Finished).Select(e => e.StepIndex).ShouldBe(Enumerable.Range(1, 13));
        events.ShouldContain(e => e.Phase == StepPhase.Running && e.Step == "program" && e.Done == e.Total && e.Total == 0x3000);
        (await _state.GetRecordAsync(record.Id)).ShouldBe(record, new RecordComparer());
    }

    [Fact]
    public async Task FailedTest_FailsTheUnit_AndReturnsItsSerial()
    {
        var image = TestImages.Open(TestImages.Spec(), test: VirtualTestProgram.Fail(0x2A));

        var record = await _programmer.ProgramAsync(image, new VirtualTargetSession(new VirtualMcu(TestDevices.Lm3s6965())));

        record.Result.ShouldBe(UnitResult.Fail);
        record.FailureStep.ShouldBe("10:run test selftest");
        record.FailureMessage.ShouldBe("test selftest returned 0x2A in r0 (expected 0x0).");
        record.Tests.Single().ShouldSatisfyAllConditions(t => t.Passed.ShouldBeFalse(), t => t.Value.ShouldBe(0x2AUL));
        var pool = (await _state.GetCountersAsync()).Pools.Single();
        pool.ShouldBe(new PoolCounter("main", 1, 0, 1, 0));
    }

    [Fact]
    public async Task HangingTest_TimesOut_AndFailsTheUnit()
    {
        var spec = TestImages.Spec(script: [new ScriptStep { Kind = StepKind.RunTest, Label = "selftest", Test = TestImages.Test() with { TimeoutMs = 50 } }]);

        var record = await _programmer.ProgramAsync(TestImages.Open(spec, test: VirtualTestProgram.Hang()), new VirtualTargetSession(new VirtualMcu(TestDevices.Lm3s6965())));

        record.Result.ShouldBe(UnitResult.Fail);
        record.FailureStep.ShouldBe("1:run test selftest");
        record.Tests.Single().Value.ShouldBeNull();
    }

    [Fact]
    public async Task FlippedBit_FailsVerifyAtItsAddress_AndTheNextUnitReusesTheSerial()
    {
        var image = TestImages.Open(TestImages.Spec());
        var faulty = new VirtualMcu(TestDevices.Lm3s6965(), faults: new VirtualFaults { FlipBitOnProgram = new VirtualBitFlip(0x1234, 3) });

        var failed = await _programmer.ProgramAsync(image, new VirtualTargetSession(faulty));
        var passed = await _programmer.ProgramAsync(image, new VirtualTargetSession(new VirtualMcu(TestDevices.Lm3s6965())));

        failed.Result.ShouldBe(UnitResult.Fail);
        failed.FailureStep.ShouldBe("6:verify read-back");
        failed.FailureAddress.ShouldBe(0x1234UL);
        failed.FailureMessage.ShouldStartWith("verify: the byte at 0x00001234 reads 0x");
        passed.Result.ShouldBe(UnitResult.Pass);
        passed.Serials.Single().Value.ShouldBe(failed.Serials.Single().Value);
    }

    [Fact]
    public async Task StuckSector_FailsBlankCheck()
    {
        var mcu = new VirtualMcu(TestDevices.Lm3s6965(), faults: new VirtualFaults { StuckSectors = [0x800] });
        mcu.Program(0x800, [0, 0, 0, 0]);

        var record = await _programmer.ProgramAsync(TestImages.Open(TestImages.Spec()), new VirtualTargetSession(mcu));

        record.FailureStep.ShouldBe("4:blank check");
        record.FailureMessage.ShouldBe("blank check: the byte at 0x00000800 reads 0x00, not the erased value 0xFF.");
        record.FailureAddress.ShouldBe(0x800UL);
    }

    [Fact]
    public async Task DynamicDataOfTheWrongLength_IsRefused_BeforeAnythingIsReserved()
    {
        var image = TestImages.Open(TestImages.Spec(dynamic: true));

        var ex = await Should.ThrowAsync<UnitRefusedException>(() => _programmer.ProgramAsync(
            image, new VirtualTargetSession(new VirtualMcu(TestDevices.Lm3s6965())), new Dictionary<string, byte[]> { ["mac"] = [1, 2, 3, 4] }));

        ex.Message.ShouldBe("dynamic data for slot 'mac' is 4 bytes; the slot takes exactly 6.");
        (await _state.GetCountersAsync()).Pools.ShouldBeEmpty();
        (await _state.CountRecordsAsync()).ShouldBe(0);
    }

    [Fact]
    public async Task MissingAndUnknownDynamicData_AreRefused()
    {
        var image = TestImages.Open(TestImages.Spec(dynamic: true));
        var target = new VirtualTargetSession(new VirtualMcu(TestDevices.Lm3s6965()));

        (await Should.ThrowAsync<UnitRefusedException>(() => _programmer.ProgramAsync(image, target)))
            .Message.ShouldBe("image blinky needs dynamic data for slot 'mac' (6 bytes); supply it as mac=HEX.");
        (await Should.ThrowAsync<UnitRefusedException>(() => _programmer.ProgramAsync(
                image, target, new Dictionary<string, byte[]> { ["mac"] = new byte[6], ["key"] = [1] })))
            .Message.ShouldBe("image blinky has no dynamic slot 'key' that its script writes.");
    }

    [Fact]
    public async Task UnknownSerial_IsRefused()
    {
        var spec = TestImages.Spec(script: [new ScriptStep { Kind = StepKind.ProgramSerial, Name = "missing" }]);

        var ex = await Should.ThrowAsync<UnitRefusedException>(() => _programmer.ProgramAsync(
            TestImages.Open(spec), new VirtualTargetSession(new VirtualMcu(TestDevices.Lm3s6965()))));

        ex.Message.ShouldBe("image blinky step 1 (program-serial) names serial 'missing', which the image does not define.");
    }

    [Fact]
    public async Task ImageForAnotherDevice_IsRefused()
    {
        var ex = await Should.ThrowAsync<UnitRefusedException>(() => _programmer.ProgramAsync(
            TestImages.Open(TestImages.Spec()), new VirtualTargetSession(new VirtualMcu(TestDevices.Other()))));

        ex.Message.ShouldBe("image blinky is for device LM3S6965, but the target virtual://LM3S8962 is a LM3S8962.");
    }

    [Fact]
    public async Task SerialThatDoesNotFitItsWidth_FailsAtItsStep()
    {
        var spec = TestImages.Spec(script: [new ScriptStep { Kind = StepKind.ProgramSerial, Name = "sn" }]) with
        {
            Serials = [TestImages.Serial with { Width = 1, Start = 300 }],
        };

        var record = await _programmer.ProgramAsync(TestImages.Open(spec), new VirtualTargetSession(new VirtualMcu(TestDevices.Lm3s6965())));

        record.Result.ShouldBe(UnitResult.Fail);
        record.FailureMessage!.ShouldContain("300 does not fit in 1 bytes");
        (await _state.GetCountersAsync()).Pools.Single().Free.ShouldBe(1);
    }

    [Fact]
    public async Task Cancelled_IsRecordedAsFailed_AndRethrown()
    {
        using var cts = new CancellationTokenSource();
        var events = new SyncProgress<UnitProgress>(e =>
        {
            if (e.Step == "program" && e.Phase == StepPhase.Started) cts.Cancel();
        });

        await Should.ThrowAsync<OperationCanceledException>(() => _programmer.ProgramAsync(
            TestImages.Open(TestImages.Spec()), new VirtualTargetSession(new VirtualMcu(TestDevices.Lm3s6965())), null, events, cts.Token));

        var record = (await _state.ReadRecentAsync(1)).Single();
        record.Result.ShouldBe(UnitResult.Fail);
        record.FailureMessage.ShouldBe("the unit was cancelled.");
        (await _state.GetCountersAsync()).Pools.Single().Free.ShouldBe(1);
    }

    [Fact]
    public async Task EraseSectors_CoversTheSerialsAndSlots_SoAReusedPartTakesNewPerUnitData()
    {
        var spec = TestImages.Spec(
            dynamic: true,
            script:
            [
                new ScriptStep { Kind = StepKind.Erase, Erase = EraseMode.Sectors },
                new ScriptStep { Kind = StepKind.BlankCheck },
                new ScriptStep { Kind = StepKind.Program },
                new ScriptStep { Kind = StepKind.ProgramSerial, Name = "sn" },
                new ScriptStep { Kind = StepKind.ProgramDynamic, Name = "mac" },
            ]);
        var mcu = new VirtualMcu(TestDevices.Lm3s6965());
        mcu.Program(TestDevices.SerialAddress, [0, 0, 0, 0]);
        mcu.Program(TestDevices.MacAddress, [0, 0, 0, 0, 0, 0, 0, 0]);

        var record = await _programmer.ProgramAsync(TestImages.Open(spec), new VirtualTargetSession(mcu), new Dictionary<string, byte[]> { ["mac"] = [1, 2, 3, 4, 5, 6] });

        record.Result.ShouldBe(UnitResult.Pass, record.FailureMessage);
        var mac = new byte[6];
        mcu.ReadMemory(TestDevices.MacAddress, mac);
        mac.ShouldBe(new byte[] { 1, 2, 3, 4, 5, 6 });
    }

    [Fact]
    public async Task OptionBytes_AreProgrammedAndReadBack_AndResetHaltLeavesTheCoreHalted()
    {
        var device = TestDevices.Lm3s6965() with
        {
            Memory = [.. TestDevices.Lm3s6965().Memory, new MemoryRegion { Name = "options", Kind = MemoryKind.OptionBytes, Start = 0x1FFF_C000, Size = 0x10 }],
        };
        var spec = TestImages.Spec(device: device, script:
        [
            new ScriptStep { Kind = StepKind.WriteOptionBytes, Address = 0x1FFF_C000, Data = [0xAA, 0x55, 0xF0, 0x0F] },
            new ScriptStep { Kind = StepKind.Reset, Halt = true },
        ]);
        var mcu = new VirtualMcu(device);

        var record = await _programmer.ProgramAsync(TestImages.Open(spec), new VirtualTargetSession(mcu));

        record.Result.ShouldBe(UnitResult.Pass, record.FailureMessage);
        record.Steps.Select(s => s.Step).ShouldBe(["option bytes 0x1FFFC000", "reset halt", "power off (after unit)"]);
        var options = new byte[4];
        mcu.ReadMemory(0x1FFF_C000, options);
        options.ShouldBe(new byte[] { 0xAA, 0x55, 0xF0, 0x0F });
        mcu.State.ShouldBe(VirtualCoreState.Halted);
    }

    [Fact]
    public async Task PowerSwitchThatCannotSwitchOff_FailsTheUnitAtThatStep()
    {
        var programmer = new UnitProgrammer(_state, "st-test", _time, new StuckPowerSwitch());

        var record = await programmer.ProgramAsync(TestImages.Open(TestImages.Spec()), new VirtualTargetSession(new VirtualMcu(TestDevices.Lm3s6965())));

        record.Result.ShouldBe(UnitResult.Fail);
        record.FailureStep.ShouldBe("13:power off (after unit)");
        record.FailureMessage.ShouldBe("relay 3 did not open.");
        (await _state.GetCountersAsync()).Pools.Single().Free.ShouldBe(1);
    }

    private sealed class StuckPowerSwitch : IPowerSwitch
    {
        public string Description => "relay 3";

        public Task SetAsync(bool on, double voltage, CancellationToken cancellationToken) =>
            on ? Task.CompletedTask : Task.FromException(new ImprintException("relay 3 did not open."));
    }

    private sealed class RecordComparer : IEqualityComparer<ProgrammingRecord>
    {
        public bool Equals(ProgrammingRecord? x, ProgrammingRecord? y) =>
            System.Text.Json.JsonSerializer.Serialize(x, RecordJson.Options) == System.Text.Json.JsonSerializer.Serialize(y, RecordJson.Options);

        public int GetHashCode(ProgrammingRecord obj) => 0;
    }
}
