using Imprint.Devices;
using Imprint.Images;
using Imprint.Projects;

namespace Imprint.Tests.Projects;

/// <summary>One test per validation rule; each asserts the field path and the problem.</summary>
public sealed class ProjectValidationTests : IDisposable
{
    private readonly ProjectFolder _folder = new();

    public ProjectValidationTests()
    {
        // 1 KiB of firmware at 0 on the LM3S6965 (256 KiB flash in 1 KiB sectors).
        _folder.Hex("app.hex", 0, ProjectFolder.Bytes(1024));
    }

    private static string Project(string body = "", string device = "LM3S6965", string script = "[erase, program, verify]") =>
        $"name: t\ndevice: {device}\nfirmware: [app.hex]\nscript: {script}\n{body}";

    private async Task<ProjectError> OnlyErrorAsync(string yaml)
    {
        var ex = await _folder.FailsAsync(yaml);
        ex.Errors.Count.ShouldBe(1, string.Join(" | ", ex.Lines()));
        ex.Message.ShouldBe(ex.Errors[0].Format("imprint.yaml"));
        return ex.Errors[0];
    }

    private async Task ExpectAsync(string yaml, string path, string problem)
    {
        var error = await OnlyErrorAsync(yaml);
        error.FieldPath.ShouldBe(path);
        error.Problem.ShouldBe(problem);
    }

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task UnknownDevice_NamesTheDeviceField() =>
        await ExpectAsync(Project(device: "LM4F120"), "device", "names unknown device 'LM4F120'; run `imprint device list` to see the catalog");

    [Fact]
    public async Task SerialOutsideFlash_NamesTheSerialAddress() =>
        await ExpectAsync(Project("serials: [{ name: sn, address: 0x20000000, width: 4 }]"),
            "serials[0].address", "places 4 bytes at 0x20000000-0x20000003, outside the flash of LM3S6965");

    [Fact]
    public async Task SerialStraddlingTheEndOfFlash_IsOutsideFlash() =>
        await ExpectAsync(Project("serials: [{ name: sn, address: 0x3FFFE, width: 4 }]"),
            "serials[0].address", "places 4 bytes at 0x0003FFFE-0x00040001, outside the flash of LM3S6965");

    [Fact]
    public async Task SerialAsciiFormatWiderThanTheField_NamesTheWidth() =>
        await ExpectAsync(Project("serials: [{ name: sn, address: 0x3F000, width: 8, encoding: ascii-dec, format: \"SN-{0:D6}\" }]"),
            "serials[0].width", "is 8 bytes, too small for the 3 characters of fixed text and 6 digits of format 'SN-{0:D6}'");

    [Fact]
    public async Task SerialBinaryWiderThanEightBytes_NamesTheWidth() =>
        await ExpectAsync(Project("serials: [{ name: sn, address: 0x3F000, width: 12, encoding: binary-be }]"),
            "serials[0].width", "is 12 but a binary serial number must be 1 to 8 bytes wide");

    [Fact]
    public async Task SerialBcdStartTooLarge_NamesTheStart() =>
        await ExpectAsync(Project("serials: [{ name: sn, address: 0x3F000, width: 1, encoding: bcd, start: 100 }]"),
            "serials[0].start", "is 100 but 1 bytes of bcd hold at most 99");

    [Fact]
    public async Task SerialTooNarrowForMaxCountUnits_NamesTheWidth() =>
        await ExpectAsync(Project("serials: [{ name: sn, address: 0x3F000, width: 2, encoding: ascii-dec, start: 90 }]\nrestrictions: { maxCount: 11 }"),
            "serials[0].width", "is 2 bytes of ascii-dec, which hold at most 99, but the last of restrictions.maxCount (11) units needs 100");

    [Fact]
    public async Task SerialFormatOnBinaryEncoding_NamesTheFormat() =>
        await ExpectAsync(Project("serials: [{ name: sn, address: 0x3F000, width: 4, format: \"{0}\" }]"),
            "serials[0].format", "applies only to the ascii-dec and ascii-hex encodings");

    [Fact]
    public async Task SerialStepZero_NamesTheStep() =>
        await ExpectAsync(Project("serials: [{ name: sn, address: 0x3F000, width: 4, step: 0 }]"),
            "serials[0].step", "must be at least 1, or every unit would get the same number");

    [Fact]
    public async Task SerialOverlappingFirmware_NamesTheSerialAndTheFile() =>
        await ExpectAsync(Project("serials: [{ name: sn, address: 0x3FE, width: 4 }]"),
            "serials[0].address", "places serial 'sn' over firmware from app.hex at 0x000003FE-0x000003FF");

    [Fact]
    public async Task SerialOverlappingAnotherSerial_NamesTheLaterSerial() =>
        await ExpectAsync(Project("serials:\n  - { name: a, address: 0x3F000, width: 4 }\n  - { name: b, address: 0x3F002, width: 4 }"),
            "serials[1].address", "places serial 'b' over serial 'a' at 0x0003F002-0x0003F003");

    [Fact]
    public async Task SlotOverlappingFirmware_NamesTheSlot() =>
        await ExpectAsync(Project("dynamic: [{ name: mac, address: 0x100, length: 6 }]"),
            "dynamic[0].address", "places slot 'mac' over firmware from app.hex at 0x00000100-0x00000105");

    [Fact]
    public async Task SlotOverlappingAnotherSlot_NamesTheLaterSlot() =>
        await ExpectAsync(Project("dynamic:\n  - { name: a, address: 0x3F100, length: 8 }\n  - { name: b, address: 0x3F104, length: 8 }"),
            "dynamic[1].address", "places slot 'b' over slot 'a' at 0x0003F104-0x0003F107");

    [Fact]
    public async Task SlotOverlappingASerial_NamesTheSlot() =>
        await ExpectAsync(Project("serials: [{ name: sn, address: 0x3F000, width: 4 }]\ndynamic: [{ name: mac, address: 0x3F003, length: 6 }]"),
            "dynamic[0].address", "places slot 'mac' over serial 'sn' at 0x0003F003-0x0003F003");

    [Fact]
    public async Task SlotOutsideFlash_NamesTheSlot() =>
        await ExpectAsync(Project("dynamic: [{ name: mac, address: 0x20000000, length: 6 }]"),
            "dynamic[0].address", "places 6 bytes at 0x20000000-0x20000005, outside the flash of LM3S6965");

    [Fact]
    public async Task StepNamingUnknownSerial_NamesTheStepField() =>
        await ExpectAsync(Project("serials: [{ name: sn, address: 0x3F000, width: 4 }]", script: "[erase, program, verify, reset, { program-serial: mac }]"),
            "script[4].serial", "names unknown serial 'mac' (defined: sn)");

    [Fact]
    public async Task StepNamingUnknownSlot_NamesTheStepField() =>
        await ExpectAsync(Project(script: "[program, { program-dynamic: mac }]"),
            "script[1].slot", "names unknown dynamic slot 'mac' (none are defined)");

    [Fact]
    public async Task EraseRangeStartingInsideASector_NamesTheAddress() =>
        await ExpectAsync(Project(script: "[{ erase: { mode: range, address: 0x100, length: 0x300 } }, program]"),
            "script[0].address", "is 0x00000100, not on a sector boundary of LM3S6965 (the sector there spans 0x00000000-0x000003FF)");

    [Fact]
    public async Task EraseRangeEndingInsideASector_NamesTheLength() =>
        await ExpectAsync(Project(script: "[{ erase: { mode: range, address: 0x400, length: 0x500 } }, program]"),
            "script[0].length", "ends the range at 0x00000900, not on a sector boundary of LM3S6965 (the sector there spans 0x00000800-0x00000BFF)");

    [Fact]
    public async Task EraseRangeAcrossVaryingSectors_ChecksTheRealLayout()
    {
        _folder.Hex("app.hex", 0x08000000, ProjectFolder.Bytes(1024));

        // STM32F407: four 16 KiB sectors, one of 64 KiB, then 128 KiB ones.
        var ok = await _folder.ResolveAsync(Project(device: "STM32F407VG", script: "[{ erase: { mode: range, address: 0x08000000, length: 0x20000 } }, program]"));
        ok.Spec.Script[0].Length.ShouldBe(0x20000UL);
        await ExpectAsync(Project(device: "STM32F407VG", script: "[{ erase: { mode: range, address: 0x08010000, length: 0x8000 } }, program]"),
            "script[0].length", "ends the range at 0x08018000, not on a sector boundary of STM32F407VG (the sector there spans 0x08010000-0x0801FFFF)");
    }

    [Fact]
    public async Task EraseRangeOutsideFlash_NamesTheAddress() =>
        await ExpectAsync(Project(script: "[{ erase: { mode: range, address: 0x20000000, length: 1K } }, program]"),
            "script[0].address", "erases 0x20000000-0x200003FF, outside the flash of LM3S6965");

    [Fact]
    public async Task FirmwareOutsideFlash_NamesTheInput()
    {
        _folder.Hex("ram.hex", 0x20000000, ProjectFolder.Bytes(16));
        await ExpectAsync("name: t\ndevice: LM3S6965\nfirmware: [app.hex, ram.hex]\nscript: [program]\n",
            "firmware[1].path", "places bytes at 0x20000000-0x2000000F, outside the flash of LM3S6965");
    }

    [Fact]
    public async Task FirmwareInputsConflicting_NamesBothInputs()
    {
        _folder.Hex("patch.hex", 0x10, [0xAA, 0xBB]);
        await ExpectAsync("name: t\ndevice: LM3S6965\nfirmware: [app.hex, patch.hex]\nscript: [program]\n",
            "firmware[1].path", "overlaps app.hex with different bytes at 0x00000010-0x00000011");
    }

    [Fact]
    public async Task FirmwareInputMissing_NamesThePath() =>
        await ExpectAsync("name: t\ndevice: LM3S6965\nfirmware: [app.hex, build/missing.elf]\nscript: [program]\n",
            "firmware[1].path", "names 'build/missing.elf', which does not exist");

    [Fact]
    public async Task FirmwareInputMalformed_NamesThePathAndTheReadersProblem()
    {
        File.WriteAllText(_folder.File("bad.hex"), ":0400000001020304F1\n:00000001FF\n");
        var error = await OnlyErrorAsync("name: t\ndevice: LM3S6965\nfirmware: [bad.hex]\nscript: [program]\n");
        error.FieldPath.ShouldBe("firmware[0].path");
        error.Problem.ShouldStartWith("names 'bad.hex', which cannot be read: bad.hex");
    }

    [Fact]
    public async Task BaseOnANonBinaryInput_NamesTheBase() =>
        await ExpectAsync("name: t\ndevice: LM3S6965\nfirmware: [{ path: app.hex, base: 0x1000 }]\nscript: [program]\n",
            "firmware[0].base", "applies only to binary inputs, but 'app.hex' is hex");

    [Fact]
    public async Task JobWithoutBinding_NamesTheCloudField() =>
        await ExpectAsync(Project("type: job"), "cloud", "is required for a job image; give the account, factory and url it is bound to");

    [Fact]
    public async Task SapWithBinding_NamesTheCloudField() =>
        await ExpectAsync(Project("cloud: { account: a, factory: f, url: https://c.example }"),
            "cloud", "is set but the image type is sap; a cloud binding applies only to job images");

    [Fact]
    public async Task BindingWithRelativeUrl_NamesTheUrl() =>
        await ExpectAsync(Project("type: job\ncloud: { account: a, factory: f, url: cloud.example }"),
            "cloud.url", "must be an absolute http or https URL, not 'cloud.example'");

    [Fact]
    public async Task ValidFromAfterValidUntil_NamesValidFrom() =>
        await ExpectAsync(Project("restrictions: { validFrom: 2026-01-01, validUntil: 2025-12-31 }"),
            "restrictions.validFrom", "(2026-01-01T00:00:00Z) is after restrictions.validUntil (2025-12-31T23:59:59Z)");

    [Theory]
    [InlineData("0")]
    [InlineData("-5")]
    public async Task MaxCountNotPositive_NamesMaxCount(string count) =>
        await ExpectAsync(Project($"restrictions: {{ maxCount: {count} }}"), "restrictions.maxCount", $"is {count} but must be at least 1");

    [Fact]
    public async Task DuplicateSerialNames_NamesTheSecond() =>
        await ExpectAsync(Project("serials:\n  - { name: sn, address: 0x3F000, width: 4 }\n  - { name: SN, address: 0x3F010, width: 4 }"),
            "serials[1].name", "repeats the name 'SN' of serials[0]");

    [Fact]
    public async Task DuplicateSlotNames_NamesTheSecond() =>
        await ExpectAsync(Project("dynamic:\n  - { name: mac, address: 0x3F100, length: 6 }\n  - { name: mac, address: 0x3F200, length: 6 }"),
            "dynamic[1].name", "repeats the name 'mac' of dynamic[0]");

    [Fact]
    public async Task NameWithSpaces_IsRefused() =>
        await ExpectAsync(Project("dynamic: [{ name: my mac, address: 0x3F100, length: 6 }]"),
            "dynamic[0].name", "'my mac' must be letters, digits, '-', '_' or '.'");

    [Fact]
    public async Task ProgramWithoutFirmware_NamesTheStep() =>
        await ExpectAsync("name: t\ndevice: LM3S6965\nscript: [erase, program]\n", "script[1]", "is a program step but the project lists no firmware inputs");

    [Fact]
    public async Task VoltageOutsideTheDeviceRange_NamesTheVoltage() =>
        await ExpectAsync(Project("power: { voltage: 5 }"), "power.voltage", "is 5 V but LM3S6965 runs from 3 to 3.6 V (0 means the target powers itself)");

    [Fact]
    public async Task OptionBytesOutsideFlashAndOptionRegions_NamesTheAddress() =>
        await ExpectAsync(Project(script: "[program, { option-bytes: { address: 0x20000000, data: AA55 } }]"),
            "script[1].address", "places 2 bytes at 0x20000000-0x20000001, outside the flash and option bytes of LM3S6965");

    [Fact]
    public async Task ReadDataOfUnknownLabelWithoutAddress_NamesTheLabel() =>
        await ExpectAsync(Project(script: "[program, { read-data: serial-flash }]"),
            "script[1].label", "is 'serial-flash', which names neither the unique ID of LM3S6965 or one of its ID registers (DID0, DID1); give address and length");

    [Fact]
    public async Task TestCodeOutsideRam_NamesTheLoadAddress()
    {
        _folder.Bin("test.bin", ProjectFolder.Bytes(64));
        await ExpectAsync(Project(script: "[program, { run-test: { path: test.bin, loadAddress: 0x1000, breakpoint: 0x1010 } }]"),
            "script[1].loadAddress", "places 64 bytes of test code at 0x00001000-0x0000103F, outside the RAM of LM3S6965");
    }

    [Fact]
    public async Task TestCodeBinaryWithoutLoadAddress_NamesTheLoadAddress()
    {
        _folder.Bin("test.bin", ProjectFolder.Bytes(64));
        await ExpectAsync(Project(script: "[program, { run-test: { path: test.bin, breakpoint: 0x20000010 } }]"),
            "script[1].loadAddress", "is required for a raw binary test program");
    }

    [Fact]
    public async Task TestCodeBreakpointOutsideTheCode_NamesTheBreakpoint()
    {
        _folder.Hex("test.hex", 0x20000000, ProjectFolder.Bytes(64));
        await ExpectAsync(Project(script: "[program, { run-test: { path: test.hex, breakpoint: 0x20000100 } }]"),
            "script[1].breakpoint", "is 0x20000100, outside the test code at 0x20000000-0x2000003F");
    }

    [Fact]
    public async Task TestCodeMissing_NamesThePath() =>
        await ExpectAsync(Project(script: "[program, { run-test: { path: t/selftest.elf, breakpoint: 0x20000100 } }]"),
            "script[1].path", "names 't/selftest.elf', which does not exist");

    [Fact]
    public async Task AlgorithmMissing_NamesTheAlgorithmField() =>
        await ExpectAsync(Project("algorithm: flash/LM3S.FLM"), "algorithm", "names 'flash/LM3S.FLM', which does not exist");

    [Fact]
    public async Task AlgorithmNotAnFlm_NamesTheAlgorithmField()
    {
        _folder.Bin("algo.FLM", ProjectFolder.Bytes(100));
        var error = await OnlyErrorAsync(Project("algorithm: algo.FLM"));
        error.FieldPath.ShouldBe("algorithm");
        error.Problem.ShouldStartWith("names 'algo.FLM', which is not a usable flash algorithm: ");
    }

    [Fact]
    public async Task SeveralBrokenRules_AreAllReportedWithTheirLines()
    {
        var ex = await _folder.FailsAsync(
            "name: t\ndevice: LM3S6965\ntype: job\nfirmware: [app.hex, nope.hex]\nscript:\n  - program\n  - program-serial: mac\nrestrictions:\n  maxCount: 0\n");
        ex.Errors.Select(e => e.FieldPath).ShouldBe(["cloud", "restrictions.maxCount", "script[1].serial", "firmware[1].path"], ignoreOrder: true);
        ex.Errors.Single(e => e.FieldPath == "restrictions.maxCount").Line.ShouldBe(9);
        ex.Errors.Single(e => e.FieldPath == "script[1].serial").Line.ShouldBe(7);
        ex.Message.ShouldEndWith("(and 3 more problems).");
    }

    [Fact]
    public async Task ValidProject_ResolvesToTheSpecAndSections()
    {
        _folder.Hex("test.hex", 0x20000000, ProjectFolder.Bytes(64));
        var (spec, sections) = await _folder.ResolveAsync(Project(
            "serials: [{ name: sn, address: 0x3F000, width: 4 }]\ndynamic: [{ name: mac, address: 0x3F100, length: 6 }]\npower: { voltage: 3.3 }",
            script: "[erase, program, verify, program-serial: sn, program-dynamic: mac, read-data: uid, { run-test: { path: test.hex, breakpoint: 0x20000020, stackPointer: 0x20010000 } }, reset]"));

        spec.Name.ShouldBe("t");
        spec.Device.ShouldBe(DeviceCatalog.BuiltIn.Get("LM3S6965"));
        spec.Connection.ShouldBe(new ConnectionSettings(DebugInterface.Swd, 4000));
        spec.Power.Voltage.ShouldBe(3.3);
        spec.Serials.Single().Name.ShouldBe("sn");
        spec.DynamicSlots.Single().Name.ShouldBe("mac");

        // read-data uid on a part without a unique ID reads its contiguous ID registers (DID0, DID1).
        spec.Script[5].ShouldBe(new ScriptStep { Kind = StepKind.ReadData, Label = "uid", Address = 0x400FE000, Length = 8 });
        spec.Script[6].Test.ShouldBe(new TestProgram("test@script[6]", 0x20000000, 0x20000000, 0x20000020, 0x20010000, 5000, "r0", 0));

        sections.Select(s => (s.Name, s.Kind, s.Address, s.Length)).ShouldBe([
            ("firmware@0x00000000", SectionKind.Firmware, (ulong?)0UL, 1024),
            ("test@script[6]", SectionKind.TestCode, (ulong?)0x20000000UL, 64)]);
        sections[0].Data.ToArray().ShouldBe(ProjectFolder.Bytes(1024));
    }

    [Fact]
    public async Task ReadDataUid_UsesTheUniqueIdWhereThePartHasOne()
    {
        _folder.Hex("app.hex", 0x08000000, ProjectFolder.Bytes(16));
        var resolved = await _folder.ResolveAsync(Project(device: "STM32F407VG", script: "[program, read-data: uid, read-data: F_SIZE]"));
        resolved.Spec.Script[1].ShouldBe(new ScriptStep { Kind = StepKind.ReadData, Label = "uid", Address = 0x1FFF7A10, Length = 12 });
        resolved.Spec.Script[2].ShouldBe(new ScriptStep { Kind = StepKind.ReadData, Label = "F_SIZE", Address = 0x1FFF7A22, Length = 2 });
    }

    [Fact]
    public async Task Overrides_AreCheckedAgainWhenResolved()
    {
        var project = _folder.Write(Project("type: job\ncloud: { account: a, factory: f, url: https://c.example }"));
        (await project.ResolveAsync(DeviceCatalog.BuiltIn)).Spec.Binding.ShouldBe(new CloudBinding("a", "f", "https://c.example"));
        var sap = await (project with { Type = ImageType.Sap, Binding = null }).ResolveAsync(DeviceCatalog.BuiltIn);
        sap.Spec.Type.ShouldBe(ImageType.Sap);
        var ex = await Should.ThrowAsync<ProjectException>(() => (project with { Type = ImageType.Sap }).ResolveAsync(DeviceCatalog.BuiltIn));
        ex.Errors.Single().FieldPath.ShouldBe("cloud");
    }
}
