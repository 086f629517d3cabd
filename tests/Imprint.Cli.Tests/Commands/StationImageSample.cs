using Imprint.Devices;
using Imprint.Images;
using Imprint.Keys;
using Imprint.Memory;
using Imprint.Projects;
using Imprint.Targets.Virtual;

namespace Imprint.Tests.Commands;

/// <summary>
/// A small signed SAP image for the LM3S6965 with a serial, a dynamic slot, a UID read and a
/// self-test, for CLI tests; with a cloud binding it is a JOB image of that account (encrypted when a key is given).
/// </summary>
internal static class StationImageSample
{
    public static async Task WriteAsync(
        string path, SigningKey signer, Restrictions? restrictions = null, byte[]? test = null, CloudBinding? binding = null, EncryptionKey? key = null)
    {
        var device = new Device
        {
            Name = "LM3S6965",
            Memory =
            [
                new MemoryRegion { Name = "flash", Kind = MemoryKind.Flash, Start = 0, Size = 0x4_0000, Sectors = [new SectorRun(0, 0x400)], PageSize = 0x400, ProgramGranularity = 4 },
                new MemoryRegion { Name = "sram", Kind = MemoryKind.Ram, Start = 0x2000_0000, Size = 0x1_0000 },
            ],
            UniqueId = new UniqueIdLocation(0x400F_E1F0, 8),
        };
        var spec = new ProgrammingSpec
        {
            Name = "cli-sample",
            Type = binding is null ? ImageType.Sap : ImageType.Job,
            Binding = binding,
            Device = device,
            Connection = new ConnectionSettings(DebugInterface.Swd, 4000),
            Power = new PowerSettings(3.3, 0, false),
            Script =
            [
                new ScriptStep { Kind = StepKind.Erase, Erase = EraseMode.Chip },
                new ScriptStep { Kind = StepKind.Program },
                new ScriptStep { Kind = StepKind.Verify, Verify = VerifyMode.ReadBack },
                new ScriptStep { Kind = StepKind.ProgramSerial, Name = "sn" },
                new ScriptStep { Kind = StepKind.ProgramDynamic, Name = "mac" },
                new ScriptStep { Kind = StepKind.ReadData, Label = "uid" },
                new ScriptStep { Kind = StepKind.RunTest, Label = "selftest", Test = new TestProgram("selftest", 0x2000_0000, 0x2000_0000, 0x2000_0010, null, 1000, "r0", 0) },
            ],
            Serials = [new SerialDefinition("sn", "main", 0x3_F000, 10, SerialEncoding.AsciiDecimal, 1, 1, "SN-{0:D6}")],
            DynamicSlots = [new DynamicSlot("mac", 0x3_F400, 6)],
            Restrictions = restrictions ?? Restrictions.None,
        };
        var firmware = new MemoryImage();
        var bytes = new byte[0x2000];
        new Random(5).NextBytes(bytes);
        firmware.Add(0, bytes, "firmware");
        var sections = new List<ImageSection>(ImageSection.FromFirmware(firmware))
        {
            new("selftest", SectionKind.TestCode, 0x2000_0000, test ?? VirtualTestProgram.Pass()),
        };
        await ImageWriter.WriteAsync(new ImageContent(spec, sections, new BuildInfo(DateTimeOffset.UnixEpoch, "tests", "tests")), path, signer, key);
    }
}
