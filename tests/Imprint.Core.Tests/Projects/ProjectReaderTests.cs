using System.Text;
using Imprint.Devices;
using Imprint.Formats;
using Imprint.Projects;
using Imprint.Testing;

namespace Imprint.Tests.Projects;

public sealed class ProjectReaderTests
{
    internal const string FullExample = """
        # A project using every field.
        name: blinky
        description: LM3S6965 sample with a serial number
        type: job
        device: LM3S6965
        connection:
          interface: jtag
          clockKhz: 1000
        power:
          voltage: 3.3
          powerOnDelayMs: 20
          powerOffAfter: true
        firmware:
          - path: build/blinky.elf
          - path: calib.bin
            format: bin
            base: 0x0003E000
          - extra.hex
        algorithm: algo/LM3S.FLM
        script:
          - erase: chip
          - erase: { mode: range, address: 0x0, length: 4K }
          - blank-check
          - program
          - verify: checksum
          - program-serial: sn
          - program-dynamic: { slot: mac }
          - read-data: uid
          - read-data: { label: did0, address: 0x400FE000, length: 4 }
          - run-test:
              path: test/selftest.elf
              breakpoint: 0x20000100
              stackPointer: 0x20008000
              timeoutMs: 2000
              resultRegister: r1
              expected: 0x600D
              label: selftest
          - option-bytes: { address: 0x1FFFC000, data: "AA 55 00 ff" }
          - reset: halt
          - delay: 50
          - power: off
        serials:
          - name: sn
            pool: line-a
            address: 0x0003F000
            width: 10
            encoding: ascii-dec
            start: 1_000
            step: 2
            format: "SN{0:D8}"
        dynamic:
          - name: mac
            address: 0x0003F100
            length: 6
        restrictions:
          maxCount: 5000
          validFrom: 2025-01-01
          validUntil: 2025-12-31T18:00:00+02:00
        cloud:
          account: acme
          factory: line-1
          url: https://cloud.example.com
        """;

    private static Project Parse(string yaml) => ProjectReader.Parse(yaml, "/work/p/imprint.yaml");

    private static ProjectException Fails(string yaml) => Should.Throw<ProjectException>(() => Parse(yaml));

    [Fact]
    public void Parse_FullExample_ReadsEveryField()
    {
        var p = Parse(FullExample);
        p.Name.ShouldBe("blinky");
        p.Description.ShouldBe("LM3S6965 sample with a serial number");
        p.Type.ShouldBe(ImageType.Job);
        p.DeviceName.ShouldBe("LM3S6965");
        p.Connection.ShouldBe(new ProjectConnection(DebugInterface.Jtag, 1000));
        p.Power.ShouldBe(new PowerSettings(3.3, 20, true));
        p.Firmware.ShouldBe([new FirmwareInput("build/blinky.elf"), new FirmwareInput("calib.bin", FirmwareFormat.Binary, 0x3E000), new FirmwareInput("extra.hex")]);
        p.AlgorithmPath.ShouldBe("algo/LM3S.FLM");
        p.Serials.ShouldBe([new SerialDefinition("sn", "line-a", 0x3F000, 10, SerialEncoding.AsciiDecimal, 1000, 2, "SN{0:D8}")]);
        p.DynamicSlots.ShouldBe([new DynamicSlot("mac", 0x3F100, 6)]);
        p.Restrictions.ShouldBe(new Restrictions(5000, new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2025, 12, 31, 16, 0, 0, TimeSpan.Zero)));
        p.Binding.ShouldBe(new CloudBinding("acme", "line-1", "https://cloud.example.com"));
        p.FilePath.ShouldBe("/work/p/imprint.yaml");
        p.DisplayName.ShouldBe("imprint.yaml");
        p.ResolvePath("build/blinky.elf").ShouldBe("/work/p/build/blinky.elf");
    }

    [Fact]
    public void Parse_FullExample_ReadsEveryStepKind()
    {
        var steps = Parse(FullExample).Script.Select(s => s.Step).ToList();
        steps.Select(s => s.Kind).ShouldBe([
            StepKind.Erase, StepKind.Erase, StepKind.BlankCheck, StepKind.Program, StepKind.Verify, StepKind.ProgramSerial,
            StepKind.ProgramDynamic, StepKind.ReadData, StepKind.ReadData, StepKind.RunTest, StepKind.WriteOptionBytes,
            StepKind.Reset, StepKind.Delay, StepKind.Power]);
        steps[0].Erase.ShouldBe(EraseMode.Chip);
        steps[1].ShouldBe(new ScriptStep { Kind = StepKind.Erase, Erase = EraseMode.Range, Address = 0, Length = 4096 });
        steps[2].Address.ShouldBeNull();
        steps[4].Verify.ShouldBe(VerifyMode.Checksum);
        steps[5].Name.ShouldBe("sn");
        steps[6].Name.ShouldBe("mac");
        steps[7].ShouldBe(new ScriptStep { Kind = StepKind.ReadData, Label = "uid" });
        steps[8].ShouldBe(new ScriptStep { Kind = StepKind.ReadData, Label = "did0", Address = 0x400FE000, Length = 4 });
        steps[9].Label.ShouldBe("selftest");
        steps[10].Address.ShouldBe(0x1FFFC000UL);
        steps[10].Data.ShouldBe(new byte[] { 0xAA, 0x55, 0x00, 0xFF });
        steps[11].Halt.ShouldBe(true);
        steps[12].Milliseconds.ShouldBe(50);
        steps[13].On.ShouldBe(false);
        Parse(FullExample).Script[9].TestCode.ShouldBe(
            new TestCodeInput("test/selftest.elf", null, null, null, 0x20000100, 0x20008000, 2000, "r1", 0x600D));
    }

    [Fact]
    public void Parse_MinimalProject_TakesTheDefaults()
    {
        var p = Parse("name: x\ndevice: LM3S6965\nscript: [program]\nfirmware: [a.hex]\nserials:\n  - { name: sn, address: 0x3F000, width: 4 }\n");
        p.Type.ShouldBe(ImageType.Sap);
        p.Description.ShouldBe("");
        p.Connection.ShouldBe(ProjectConnection.Default);
        p.Power.ShouldBe(new PowerSettings(0, 0, false));
        p.Restrictions.ShouldBe(Restrictions.None);
        p.Binding.ShouldBeNull();
        p.Serials[0].ShouldBe(new SerialDefinition("sn", "sn", 0x3F000, 4, SerialEncoding.BinaryLittleEndian, 1, 1, null));
    }

    [Fact]
    public void Parse_ValidUntilAsADate_IncludesTheWholeDay()
    {
        var p = Parse("name: x\ndevice: d\nscript: [reset]\nrestrictions: { validUntil: 2025-06-30 }\n");
        p.Restrictions.ValidUntil.ShouldBe(new DateTimeOffset(2025, 7, 1, 0, 0, 0, TimeSpan.Zero).AddTicks(-1));
    }

    [Theory]
    [InlineData("0x3F000", 0x3F000UL)]
    [InlineData("0X3f000", 0x3F000UL)]
    [InlineData("258048", 0x3F000UL)]
    [InlineData("0x0003_F000", 0x3F000UL)]
    [InlineData("252K", 0x3F000UL)]
    [InlineData("0b1000", 8UL)]
    public void Parse_Numbers_AcceptHexDecimalAndSizes(string text, ulong expected) =>
        Parse($"name: x\ndevice: d\nscript: [reset]\ndynamic: [{{ name: m, address: {text}, length: 1 }}]\n").DynamicSlots[0].Address.ShouldBe(expected);

    [Fact]
    public void Parse_YamlSyntaxError_NamesLineAndColumn()
    {
        var ex = Fails("name: x\ndevice: d\nscript: [program\n  - oops: 1\n");
        ex.Errors.Single().FieldPath.ShouldBe("");
        ex.Message.ShouldStartWith("imprint.yaml: line 4, column ");
    }

    [Fact]
    public void Parse_TabIndentation_IsASyntaxErrorWithItsLine()
    {
        var ex = Fails("name: x\ndevice: d\nscript:\n\t- program\n");
        ex.Message.ShouldStartWith("imprint.yaml: line 4, column 1: ");
        ex.Errors.Single().Line.ShouldBe(4);
    }

    [Fact]
    public void Parse_MissingName_IsRequired()
    {
        var ex = Fails("device: d\nscript: [program]\n");
        ex.Message.ShouldBe("imprint.yaml: name is required.");
    }

    [Fact]
    public void Parse_MissingDevice_IsRequired() =>
        Fails("name: x\nscript: [program]\n").Message.ShouldBe("imprint.yaml: device is required.");

    [Fact]
    public void Parse_MissingScript_IsRequired() =>
        Fails("name: x\ndevice: d\n").Message.ShouldBe("imprint.yaml: script is required; list the steps a station runs for each unit (erase, program, verify, …).");

    [Fact]
    public void Parse_MissingSerialWidth_NamesTheField() =>
        Fails("name: x\ndevice: d\nscript: [reset]\nserials:\n  - name: sn\n    address: 0x100\n").Message
            .ShouldBe("imprint.yaml: serials[0].width is required.");

    [Fact]
    public void Parse_RunTestWithoutBreakpoint_NamesTheField() =>
        Fails("name: x\ndevice: d\nscript:\n  - run-test: { path: t.elf }\n").Message
            .ShouldBe("imprint.yaml: script[0].breakpoint is required.");

    [Fact]
    public void Parse_CloudWithoutUrl_NamesTheField() =>
        Fails("name: x\ndevice: d\ntype: job\nscript: [reset]\ncloud: { account: a, factory: f }\n").Message
            .ShouldBe("imprint.yaml: cloud.url is required.");

    [Fact]
    public void Parse_UnknownStepKind_ListsTheKnownOnes()
    {
        var ex = Fails("name: x\ndevice: d\nscript:\n  - program\n  - flash: all\n");
        ex.Message.ShouldBe("imprint.yaml: script[1] names unknown step kind 'flash'; expected one of erase, blank-check, program, verify, program-serial, program-dynamic, read-data, run-test, option-bytes, reset, delay, power.");
        ex.Errors.Single().Line.ShouldBe(5);
    }

    [Fact]
    public void Parse_TwoStepsInOneItem_AsksForOnePerItem() =>
        Fails("name: x\ndevice: d\nscript:\n  - erase: chip\n    program:\n").Message
            .ShouldBe("imprint.yaml: script[0] must name one step per list item, but names 'erase', 'program'; start each step with its own '-'.");

    [Fact]
    public void Parse_UnknownField_IsReportedWithTheKnownOnes() =>
        Fails("name: x\ndevice: d\nscript: [reset]\nserials:\n  - { name: sn, adress: 0x100, address: 0x100, width: 4 }\n").Message
            .ShouldBe("imprint.yaml: serials[0].adress is not a known field; expected one of name, pool, address, width, encoding, start, step, format.");

    [Fact]
    public void Parse_UnknownTopLevelField_IsReported() =>
        Fails("name: x\ndevice: d\nscript: [reset]\nserial: {}\n").Message
            .ShouldStartWith("imprint.yaml: serial is not a known field; expected one of name, description, type, device,");

    [Theory]
    [InlineData("dynamic: [{ name: m, address: 0x10G, length: 1 }]", "dynamic[0].address must be a number (decimal, 0x hex, or a size such as 4K), not '0x10G'.")]
    [InlineData("dynamic: [{ name: m, address: 1, length: 0 }]", "dynamic[0].length is 0 but must be 1 to 65536.")]
    [InlineData("type: cloud", "type must be one of sap, job, not 'cloud'.")]
    [InlineData("connection: { interface: spi }", "connection.interface must be one of swd, jtag, not 'spi'.")]
    [InlineData("connection: { clockKhz: fast }", "connection.clockKhz must be a whole number from 1 to 1000000, not 'fast'.")]
    [InlineData("power: { voltage: high }", "power.voltage must be a decimal number such as 3.3, not 'high'.")]
    [InlineData("power: { powerOffAfter: maybe }", "power.powerOffAfter must be true or false, not 'maybe'.")]
    [InlineData("restrictions: { validFrom: tomorrow }", "restrictions.validFrom must be a date (2025-06-30) or a date and time (2025-06-30T17:00:00Z), not 'tomorrow'.")]
    [InlineData("restrictions: { maxCount: lots }", "restrictions.maxCount must be a whole number, not 'lots'.")]
    [InlineData("serials: [{ name: s, address: 1, width: 4, encoding: utf8 }]", "serials[0].encoding must be one of binary-le, binary-be, ascii-dec, ascii-hex, bcd, not 'utf8'.")]
    [InlineData("firmware: [{ path: a.elf, format: elf, base: 0x100 }]", "firmware[0].base applies only to binary inputs, not to format 'elf'.")]
    [InlineData("firmware: { path: a.elf }", "firmware must be a list.")]
    [InlineData("power: 3.3", "power must be a mapping of power settings (voltage, powerOnDelayMs, powerOffAfter).")]
    [InlineData("name: [a, b]", "name must be text, not a list or mapping.")]
    public void Parse_WrongValue_NamesTheFieldAndTheValue(string line, string message)
    {
        string yaml = "name: x\ndevice: d\nscript: [reset]\n" + line + "\n";
        if (line.StartsWith("name:", StringComparison.Ordinal)) yaml = "device: d\nscript: [reset]\n" + line + "\n";
        Fails(yaml).Message.ShouldBe("imprint.yaml: " + message);
    }

    [Theory]
    [InlineData("- erase: { mode: range, length: 4K }", "script[0].address is required for an erase of mode range.")]
    [InlineData("- erase: { mode: chip, address: 0 }", "script[0].address applies only to an erase of mode range, not 'chip'.")]
    [InlineData("- read-data: { label: x, address: 0x100 }", "script[0].length is required when address is given.")]
    [InlineData("- program: now", "script[0] is a program step, which takes fields, not 'now'.")]
    [InlineData("- reset: later", "script[0] is a reset step, which takes 'halt' or 'run', or fields, not 'later'.")]
    [InlineData("- delay: soon", "script[0].ms must be a whole number from 0 to 600000, not 'soon'.")]
    [InlineData("- power", "script[0].on is required (true to switch the supply on, false to switch it off).")]
    [InlineData("- program-serial", "script[0].serial is required.")]
    [InlineData("- option-bytes: { address: 0x1FFFC000, data: xyz }", "script[0].data must be bytes in hex, such as 'FF 00 A5 5A', not 'xyz'.")]
    [InlineData("- verify: { mode: crc }", "script[0].mode must be one of readback, checksum, not 'crc'.")]
    [InlineData("- [program]", "script[0] must be a step such as 'program' or 'erase: chip'.")]
    public void Parse_BadStep_NamesTheStepField(string step, string message) =>
        Fails("name: x\ndevice: d\nscript:\n  " + step + "\n").Message.ShouldBe("imprint.yaml: " + message);

    [Fact]
    public void Parse_SeveralProblems_ReportsEveryOneInTheMessageCountAndErrors()
    {
        var ex = Fails("device: d\nscript:\n  - flash\n  - program-serial\nserials:\n  - { name: sn, width: 4 }\n");
        ex.Errors.Select(e => e.FieldPath).ShouldBe(["name", "script[0]", "script[1].serial", "serials[0].address"], ignoreOrder: true);
        ex.Message.ShouldEndWith("(and 3 more problems).");
        ex.Lines().Count().ShouldBe(4);
    }

    [Fact]
    public void Parse_DuplicateKey_IsRefusedWithItsLine()
    {
        var ex = Fails("name: x\nname: y\ndevice: d\nscript: [reset]\n");
        ex.Message.ShouldBe("imprint.yaml: line 2, column 1: field 'name' appears twice in one mapping.");
    }

    [Fact]
    public void Parse_Alias_IsRefused() =>
        Fails("name: &n x\ndevice: *n\nscript: [reset]\n").Message.ShouldBe("imprint.yaml: line 2, column 9: YAML aliases (*name) are not supported in project files.");

    [Fact]
    public void Parse_DeepNesting_IsRefusedWithoutExhaustingTheStack()
    {
        string deep = "name: x\ndevice: d\nscript: " + new string('[', 100_000) + "\n";
        Fails(deep).Message.ShouldContain("nesting is deeper than 32 levels");
    }

    [Fact]
    public void Parse_RootNotAMapping_SaysWhatAProjectIs() =>
        Fails("- a\n- b\n").Message.ShouldBe("imprint.yaml: line 1, column 1: a project file must be a mapping of fields (name: …, device: …).");

    [Fact]
    public void Parse_EmptyFile_AsksForTheRequiredFields() =>
        Fails("").Errors.Select(e => e.FieldPath).ShouldBe(["name", "device", "script"]);

    [Fact]
    public void Load_NotUtf8_IsAProjectError()
    {
        using var dir = new TempDirectory();
        File.WriteAllBytes(dir.File("imprint.yaml"), [0x6E, 0x61, 0x6D, 0x65, 0x3A, 0x20, 0xFF, 0xFE, 0x0A]);
        var ex = Should.Throw<ProjectException>(() => ProjectReader.Load(dir.File("imprint.yaml")));
        ex.Message.ShouldBe("imprint.yaml: line 1, column 1: the file is not valid UTF-8 text (bad byte at offset 6).");
    }

    [Fact]
    public void Load_File_KeepsItsPathForRelativeInputs()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("imprint.yaml"), "name: x\ndevice: d\nscript: [program]\nfirmware: [fw/a.hex]\n", Encoding.UTF8);
        var p = ProjectReader.Load(dir.File("imprint.yaml"));
        p.ResolvePath(p.Firmware[0].Path).ShouldBe(Path.Combine(dir.Path, "fw", "a.hex"));
        p.InputFiles().ShouldBe([("firmware[0].path", "fw/a.hex")]);
    }

    [Fact]
    public void Load_MissingFile_IsFileNotFound()
    {
        using var dir = new TempDirectory();
        Should.Throw<FileNotFoundException>(() => ProjectReader.Load(dir.File("nope.yaml")));
    }
}
