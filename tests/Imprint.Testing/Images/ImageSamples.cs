using Imprint.Devices;
using Imprint.Images;
using Imprint.Projects;

namespace Imprint.Testing.Images;

/// <summary>Programming specs and image content built in tests (no device catalog needed).</summary>
public static class ImageSamples
{
    public static readonly DateTimeOffset BuiltAt = new(2025, 3, 14, 15, 9, 26, TimeSpan.FromHours(1));

    /// <summary>An LM3S6965 as QEMU models it, written out in full.</summary>
    public static Device Lm3s6965() => new()
    {
        Name = "LM3S6965",
        Vendor = "Texas Instruments",
        Core = "Cortex-M3",
        Memory =
        [
            new MemoryRegion
            {
                Name = "flash", Kind = MemoryKind.Flash, Start = 0, Size = 256 * 1024,
                Sectors = [new SectorRun(0, 1024)], PageSize = 1024, ErasedValue = 0x00, ProgramGranularity = 4, RequiresErase = false,
            },
            new MemoryRegion { Name = "sram", Kind = MemoryKind.Ram, Start = 0x2000_0000, Size = 64 * 1024 },
        ],
        IdRegisters = [new DeviceRegister("DID0", 0x400F_E000, 4), new DeviceRegister("DID1", 0x400F_E004, 4)],
        FlashMethod = FlashMethod.MemoryWrites,
        Source = "test",
    };

    /// <summary>An STM32F4-class part with mixed sector sizes, a unique ID and option bytes.</summary>
    public static Device Stm32F4() => new()
    {
        Name = "STM32F407VG",
        Vendor = "STMicroelectronics",
        Core = "Cortex-M4",
        Memory =
        [
            new MemoryRegion
            {
                Name = "flash", Kind = MemoryKind.Flash, Start = 0x0800_0000, Size = 1024 * 1024,
                Sectors = [new SectorRun(0, 16 * 1024), new SectorRun(64 * 1024, 64 * 1024), new SectorRun(128 * 1024, 128 * 1024)],
                PageSize = 256, ProgramGranularity = 4,
            },
            new MemoryRegion { Name = "sram", Kind = MemoryKind.Ram, Start = 0x2000_0000, Size = 128 * 1024 },
            new MemoryRegion { Name = "option", Kind = MemoryKind.OptionBytes, Start = 0x1FFF_C000, Size = 16, WriteProtected = true },
        ],
        UniqueId = new UniqueIdLocation(0x1FFF_7A10, 12),
        DefaultInterface = DebugInterface.Jtag,
        DefaultClockKhz = 8000,
        Voltage = new VoltageRange(1.7, 3.6),
        FlashMethod = FlashMethod.Algorithm,
        Algorithm = "STM32F4xx_1024.FLM",
        Source = "test pack",
    };

    /// <summary>A spec exercising every field, SAP or JOB.</summary>
    public static ProgrammingSpec Spec(ImageType type = ImageType.Sap, Device? device = null) => new()
    {
        Name = type == ImageType.Job ? "widget-job" : "widget",
        Description = "Widget main firmware, line 3 – “quoted” ünïcode",
        Type = type,
        Device = device ?? Stm32F4(),
        Connection = new ConnectionSettings(DebugInterface.Swd, 4000),
        Power = new PowerSettings(3.3, 50, PowerOffAfter: true),
        Script =
        [
            new ScriptStep { Kind = StepKind.Power, On = true },
            new ScriptStep { Kind = StepKind.Erase, Erase = EraseMode.Sectors },
            new ScriptStep { Kind = StepKind.Program },
            new ScriptStep { Kind = StepKind.Verify, Verify = VerifyMode.Checksum },
            new ScriptStep { Kind = StepKind.ProgramSerial, Name = "sn" },
            new ScriptStep { Kind = StepKind.ProgramDynamic, Name = "mac" },
            new ScriptStep { Kind = StepKind.ReadData, Address = 0x1FFF_7A10, Length = 12, Label = "uid" },
            new ScriptStep
            {
                Kind = StepKind.RunTest, Label = "selftest",
                Test = new TestProgram("selftest", 0x2000_0000, 0x2000_0001, 0x2000_0040, 0x2000_8000, 2000, "r0", 0),
            },
            new ScriptStep { Kind = StepKind.WriteOptionBytes, Address = 0x1FFF_C000, Data = [0xAA, 0x55, 0xFF, 0x00] },
            new ScriptStep { Kind = StepKind.Reset, Halt = false },
            new ScriptStep { Kind = StepKind.Delay, Milliseconds = 10 },
        ],
        Serials = [new SerialDefinition("sn", "main", 0x0800_7FF0, 12, SerialEncoding.AsciiDecimal, 1000, 1, "SN-{0:D6}")],
        DynamicSlots = [new DynamicSlot("mac", 0x0800_7FE0, 6)],
        Restrictions = new Restrictions(5000, BuiltAt, BuiltAt.AddDays(30)),
        Binding = type == ImageType.Job ? new CloudBinding("acme", "factory-7", "https://cloud.example.com") : null,
    };

    /// <summary>Deterministic pseudo-random bytes.</summary>
    public static byte[] Bytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    /// <summary>Two firmware segments, a flash algorithm and the self-test code the spec's run-test step names.</summary>
    public static IReadOnlyList<ImageSection> Sections(int firmwareLength = 40_000) =>
    [
        new ImageSection(ImageSection.FirmwareName(0x0800_0000), SectionKind.Firmware, 0x0800_0000, Bytes(firmwareLength, 1)),
        new ImageSection(ImageSection.FirmwareName(0x0801_0000), SectionKind.Firmware, 0x0801_0000, Bytes(3000, 2)),
        new ImageSection("algorithm", SectionKind.Algorithm, 0x2000_0000, Bytes(2048, 3)),
        new ImageSection("selftest", SectionKind.TestCode, 0x2000_0000, Bytes(256, 4)),
    ];

    public static ImageContent Content(ImageType type = ImageType.Sap, IReadOnlyList<ImageSection>? sections = null) =>
        new(Spec(type), sections ?? Sections(), new BuildInfo(BuiltAt, "imprint 0.1.0-test", "tests@host"));
}
