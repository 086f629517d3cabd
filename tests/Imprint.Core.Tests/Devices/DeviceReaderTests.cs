using Imprint.Devices;

namespace Imprint.Tests.Devices;

public sealed class DeviceReaderTests
{
    private const string Valid = """
        name: CHIP1
        vendor: Acme
        core: Cortex-M4
        interface: jtag
        clock-khz: 1000
        voltage: { min: 1.7, max: 3.6 }
        flash-method: debug-server
        unique-id: { address: 0x1FFF7A10, length: 12 }
        id-registers:
          - { name: IDCODE, address: 0xE0042000, length: 4 }
        memory:
          - name: flash
            kind: flash
            start: 0x08000000
            size: 256K
            sectors:
              - { size: 16K, count: 4 }
              - { size: 64K, count: 1 }
              - { size: 128K }
            page-size: 1K
            erased-value: 0xFF
            program-granularity: 4
          - name: sram
            kind: ram
            start: 0x20000000
            size: 0x10000
        """;

    private static DeviceException Fails(string yaml) => Should.Throw<DeviceException>(() => DeviceReader.Read(yaml, "chip.yaml"));

    private static DeviceException FailsWith(string from, string to)
    {
        Valid.ShouldContain(from);
        return Fails(Valid.Replace(from, to, StringComparison.Ordinal));
    }

    [Fact]
    public void Read_ValidFile_GivesEveryField()
    {
        var d = DeviceReader.Read(Valid, "chip.yaml");

        (d.Name, d.Vendor, d.Core, d.Source).ShouldBe(("CHIP1", "Acme", "Cortex-M4", "chip.yaml"));
        (d.DefaultInterface, d.DefaultClockKhz, d.Voltage).ShouldBe((DebugInterface.Jtag, 1000, new VoltageRange(1.7, 3.6)));
        d.UniqueId.ShouldBe(new UniqueIdLocation(0x1FFF7A10, 12));
        d.IdRegisters.ShouldBe([new DeviceRegister("IDCODE", 0xE0042000, 4)]);
        var flash = d.Memory[0];
        flash.Sectors.ShouldBe([new SectorRun(0, 0x4000), new SectorRun(0x10000, 0x10000), new SectorRun(0x20000, 0x20000)]);
        (flash.PageSize, flash.ErasedValue, flash.ProgramGranularity, flash.RequiresErase).ShouldBe((1024u, (byte)0xFF, 4u, true));
        (d.Memory[1].Kind, d.Memory[1].Size, d.Memory[1].RequiresErase).ShouldBe((MemoryKind.Ram, 0x10000UL, false));
    }

    [Fact]
    public void Read_CmsisStyleOffsets_GiveTheSameRuns()
    {
        var d = DeviceReader.Read(Valid.Replace("""
                  - { size: 16K, count: 4 }
                  - { size: 64K, count: 1 }
                  - { size: 128K }
            """, """
                  - { offset: 0, size: 0x4000 }
                  - { offset: 0x10000, size: 0x10000 }
                  - { offset: 0x20000, size: 0x20000 }
            """, StringComparison.Ordinal), "chip.yaml");

        d.Memory[0].Sectors.ShouldBe([new SectorRun(0, 0x4000), new SectorRun(0x10000, 0x10000), new SectorRun(0x20000, 0x20000)]);
    }

    [Fact]
    public void Read_RegionsOutOfOrder_AreSorted()
    {
        var d = DeviceReader.Read("""
            name: X
            memory:
              - { name: ram, kind: ram, start: 0x20000000, size: 4K }
              - { name: flash, kind: flash, start: 0x0, size: 4K }
            """, "x.yaml");

        d.Memory.Select(r => r.Name).ShouldBe(["flash", "ram"]);
        d.Memory[0].PageSize.ShouldBe(0u);
    }

    [Fact]
    public void Read_PageSizeDefaultsToTheSmallestSector() =>
        DeviceReader.Read(Valid.Replace("    page-size: 1K\n", "", StringComparison.Ordinal), "chip.yaml").Memory[0].PageSize.ShouldBe(16u * 1024);

    // One case per rule: (text in the valid file, its replacement, the exact message).
    [Theory]
    [InlineData("- { size: 64K, count: 1 }", "- { size: 0x300, count: 1 }", "chip.yaml: memory[0].sectors[1].size must be a power of two, not 0x300.")]
    [InlineData("- { size: 64K, count: 1 }", "- { size: 0, count: 1 }", "chip.yaml: memory[0].sectors[1].size must not be 0.")]
    [InlineData("- { size: 64K, count: 1 }", "- { size: 64K, count: 0 }", "chip.yaml: memory[0].sectors[1].count must be at least 1.")]
    [InlineData("- { size: 64K, count: 1 }", "- { size: 64K, count: 9 }", "chip.yaml: memory[0].sectors[1] runs past the region's end: offset 0x10000 + 9 × 0x10000 > 0x40000.")]
    [InlineData("- { size: 16K, count: 4 }", "- { offset: 0x400, size: 16K, count: 4 }", "chip.yaml: memory[0].sectors[0].offset must be 0 (the first run starts at the region's start), not 0x400.")]
    [InlineData("- { size: 64K, count: 1 }", "- { offset: 0x8000, size: 64K, count: 1 }", "chip.yaml: memory[0].sectors[1].offset is 0x8000, but memory[0].sectors[0] ends at 0x10000.")]
    [InlineData("- { size: 16K, count: 4 }", "- { size: 16K }", "chip.yaml: memory[0].sectors[1].offset is required because memory[0].sectors[0] has no count.")]
    [InlineData("- { size: 16K, count: 4 }", "- { size: 16K, count: 3 }", "chip.yaml: memory[0].sectors[1].offset (0xC000) must be a multiple of the run's sector size 0x10000.")]
    [InlineData("- { size: 16K, count: 4 }\n      - { size: 64K, count: 1 }", "- { size: 16K }\n      - { offset: 0x11000, size: 4K, count: 1 }", "chip.yaml: memory[0].sectors[1].offset (0x11000) must lie a whole number of memory[0].sectors[0]'s 0x4000-byte sectors after its start (0x0).")]
    [InlineData("- { size: 128K }", "- { size: 64K, count: 1 }", "chip.yaml: memory[0].sectors cover 0x30000 bytes, but the region is 0x40000 bytes.")]
    [InlineData("size: 256K", "size: 0x48000", "chip.yaml: memory[0].sectors cover 0x40000 bytes, but the region is 0x48000 bytes.")]
    [InlineData("size: 0x10000", "size: 0x10000\n    sectors: [{ size: 1K }]", "chip.yaml: memory[1].sectors is only allowed for flash, otp and option-bytes regions, not for ram.")]
    [InlineData("page-size: 1K", "page-size: 1000", "chip.yaml: memory[0].page-size must be a power of two no larger than the region, not 0x3E8.")]
    [InlineData("program-granularity: 4", "program-granularity: 3", "chip.yaml: memory[0].program-granularity must be a power of two from 1 to 1024, not 3.")]
    [InlineData("page-size: 1K", "page-size: 2", "chip.yaml: memory[0].program-granularity (4) must not be larger than page-size (2).")]
    [InlineData("start: 0x08000000", "start: 0x08000002", "chip.yaml: memory[0].program-granularity (4) must divide the region's start and size (0x08000002, 0x40000).")]
    [InlineData("erased-value: 0xFF", "erased-value: 0x100", "chip.yaml: memory[0].erased-value must be a byte (0x00 to 0xFF), not 0x100.")]
    [InlineData("size: 0x10000", "size: 0", "chip.yaml: memory[1].size must not be 0.")]
    [InlineData("start: 0x20000000", "start: 0xFFFFF000", "chip.yaml: memory[1] ends past the 4 GiB address space (0xFFFFF000 + 0x10000).")]
    [InlineData("start: 0x20000000", "start: 0x08010000", "chip.yaml: memory[1] (sram, 0x08010000-0x0801FFFF) overlaps memory[0] (flash, 0x08000000-0x0803FFFF).")]
    [InlineData("- name: sram", "- name: FLASH", "chip.yaml: memory[1].name 'FLASH' is already used by memory[0].")]
    [InlineData("page-size: 1K", "page-sise: 1K", "chip.yaml: memory[0].page-sise is not a known field; expected one of name, kind, start, size, sectors, page-size, erased-value, program-granularity, requires-erase, write-protected, algorithm.")]
    [InlineData("vendor: Acme", "vendour: Acme", "chip.yaml: vendour is not a known field; expected one of name, vendor, core, source, interface, clock-khz, voltage, flash-method, algorithm, unique-id, id-registers, memory.")]
    [InlineData("name: CHIP1\n", "", "chip.yaml: name is required.")]
    [InlineData("    start: 0x20000000\n", "", "chip.yaml: memory[1].start is required.")]
    [InlineData("    kind: ram\n", "", "chip.yaml: memory[1].kind is required (one of flash, ram, otp, option-bytes, rom).")]
    [InlineData("kind: ram", "kind: dram", "chip.yaml: memory[1].kind must be one of flash, ram, otp, option-bytes, rom, not 'dram'.")]
    [InlineData("name: CHIP1", "name: ../evil", "chip.yaml: name must be 1 to 64 letters, digits, '_', '.', '+' or '-' starting with a letter or digit, not '../evil'.")]
    [InlineData("- name: sram", "- name: s ram", "chip.yaml: memory[1].name must be 1 to 64 letters, digits, '_', '.', '+' or '-' starting with a letter or digit, not 's ram'.")]
    [InlineData("start: 0x20000000", "start: 0x2000_0000", "chip.yaml: memory[1].start must be a number (decimal, 0x hex, or a size such as 16K), not '0x2000_0000'.")]
    [InlineData("size: 0x10000", "size: 0x10000\n    requires-erase: maybe", "chip.yaml: memory[1].requires-erase must be true or false, not 'maybe'.")]
    [InlineData("flash-method: debug-server", "flash-method: algorithm", "chip.yaml: algorithm is required when flash-method is algorithm.")]
    [InlineData("flash-method: debug-server", "flash-method: magic", "chip.yaml: flash-method must be one of debug-server, memory-writes, algorithm, not 'magic'.")]
    [InlineData("flash-method: debug-server", "flash-method: algorithm\nalgorithm: ../x.FLM", "chip.yaml: algorithm must be the name of a file beside the device file, not '../x.FLM'.")]
    [InlineData("program-granularity: 4", "program-granularity: 4\n    algorithm: sub/x.FLM", "chip.yaml: memory[0].algorithm must be the name of a file beside the device file, not 'sub/x.FLM'.")]
    [InlineData("size: 0x10000", "size: 0x10000\n    algorithm: x.FLM", "chip.yaml: memory[1].algorithm is only allowed for flash, otp and option-bytes regions, not for ram.")]
    [InlineData("length: 12", "length: 65", "chip.yaml: unique-id.length must be between 1 and 64 bytes, not 65.")]
    [InlineData("address: 0x1FFF7A10", "address: 0xFFFFFFFC", "chip.yaml: unique-id ends past the 4 GiB address space (0xFFFFFFFC + 0xC).")]
    [InlineData("length: 4 }", "length: 3 }", "chip.yaml: id-registers[0].length must be 1, 2, 4 or 8 bytes, not 3.")]
    [InlineData("- { name: IDCODE, address: 0xE0042000, length: 4 }", "- { name: IDCODE, address: 0xE0042000 }\n  - { name: IDCODE, address: 0xE0042004 }", "chip.yaml: id-registers[1].name 'IDCODE' is already used by another register.")]
    [InlineData("{ min: 1.7, max: 3.6 }", "{ min: 3.7, max: 3.6 }", "chip.yaml: voltage.min (3.7) must not be greater than voltage.max (3.6).")]
    [InlineData("{ min: 1.7, max: 3.6 }", "{ min: 1.7, max: 12 }", "chip.yaml: voltage.max must be above 0 and at most 6 volts, not 12.")]
    [InlineData("{ min: 1.7, max: 3.6 }", "{ min: 1.7 }", "chip.yaml: voltage.max is required.")]
    [InlineData("{ min: 1.7, max: 3.6 }", "{ min: low, max: 3.6 }", "chip.yaml: voltage.min must be a decimal number such as 3.3, not 'low'.")]
    [InlineData("clock-khz: 1000", "clock-khz: 0", "chip.yaml: clock-khz must be between 1 and 1000000, not 0.")]
    [InlineData("interface: jtag", "interface: usb", "chip.yaml: interface must be one of swd, jtag, not 'usb'.")]
    [InlineData("vendor: Acme", "vendor: [Acme]", "chip.yaml: vendor must be text, not a list or mapping.")]
    [InlineData("unique-id: { address: 0x1FFF7A10, length: 12 }", "unique-id: 0x1FFF7A10", "chip.yaml: unique-id must be a mapping of fields.")]
    [InlineData("id-registers:", "id-registers: IDCODE\nunused:", "chip.yaml: unused is not a known field; expected one of name, vendor, core, source, interface, clock-khz, voltage, flash-method, algorithm, unique-id, id-registers, memory.")]
    [InlineData("vendor: Acme", "vendor: Acme\nvendor: Other", "chip.yaml line 3: field 'vendor' appears twice.")]
    [InlineData("vendor: Acme", "vendor: &v Acme\ncore: *v", "chip.yaml line 3: YAML aliases (*name) are not supported in device files.")]
    [InlineData("vendor: Acme", "vendor: !!binary QUNNRQ==", "chip.yaml line 2: YAML tags (tag:yaml.org,2002:binary) are not supported in device files.")]
    public void Read_BrokenRule_NamesTheFieldAndTheProblem(string from, string to, string message) =>
        FailsWith(from, to).Message.ShouldBe(message);

    [Fact]
    public void Read_NoRegions_IsRefused() =>
        Fails("name: X\nmemory: []\n").Message.ShouldBe("chip.yaml: memory must list at least one region.");

    [Fact]
    public void Read_MemoryNotAList_IsRefused() =>
        Fails("name: X\nmemory: flash\n").Message.ShouldBe("chip.yaml: memory must be a list.");

    [Fact]
    public void Read_SyntaxError_GivesTheLine() =>
        Fails("name: X\nmemory: [\n  - a: b\n").Message.ShouldStartWith("chip.yaml line ");

    [Fact]
    public void Read_InputThatBreaksYamlDotNetsScanner_IsStillADeviceError()
    {
        // Found by the fuzz test: YamlDotNet throws InvalidOperationException here.
        const string Yaml = """
            name: NRF52832
            {voltage: { min: 1.7, max: 3.6 }
            memory:
              - name: flash
                kind: flash
                requires-erase: true
            """;

        Fails(Yaml).Message.ShouldBe("chip.yaml: malformed YAML after line 1.");
    }

    [Fact]
    public void Read_NotAMapping_SaysWhatAFileHolds() =>
        Fails("- a\n- b\n").Message.ShouldBe("chip.yaml must hold a mapping of device fields (name: …, memory: …).");

    [Fact]
    public void Read_EmptyFile_IsRefused() =>
        Fails("").Message.ShouldBe("chip.yaml is empty.");

    [Fact]
    public void Read_TwoDocuments_AreRefused() =>
        Fails(Valid + "\n---\nname: Y\n").Message.ShouldBe("chip.yaml line 27: a device file holds one YAML document, not several.");

    [Fact]
    public void Read_TooLarge_IsRefused() =>
        Fails(new string('#', DeviceReader.MaxFileBytes + 1)).Message.ShouldBe("chip.yaml is larger than 1024 KiB; a device file is a few KiB.");

    [Fact]
    public void Read_DeepNesting_IsRefused() =>
        Fails("name: X\nmemory: " + new string('[', 100) + new string(']', 100) + "\n").Message.ShouldBe("chip.yaml line 2: nesting is deeper than 64 levels.");

    [Theory]
    [InlineData("0x10", 16UL)]
    [InlineData("0X1f", 31UL)]
    [InlineData("1024", 1024UL)]
    [InlineData("16K", 16384UL)]
    [InlineData("16k", 16384UL)]
    [InlineData("64KiB", 65536UL)]
    [InlineData("1M", 1048576UL)]
    [InlineData("2G", 2147483648UL)]
    public void Numbers_AcceptHexDecimalAndSizes(string text, ulong value)
    {
        Imprint.Devices.Internal.NumberText.TryParse(text, out ulong parsed).ShouldBeTrue();
        parsed.ShouldBe(value);
    }

    [Theory]
    [InlineData("")]
    [InlineData("0x")]
    [InlineData("-1")]
    [InlineData("1.5K")]
    [InlineData("K")]
    [InlineData("99999999999999999999")]
    [InlineData("17179869184G")]
    [InlineData("0x1_0")]
    public void Numbers_RefuseEverythingElse(string text) =>
        Imprint.Devices.Internal.NumberText.TryParse(text, out _).ShouldBeFalse();
}
