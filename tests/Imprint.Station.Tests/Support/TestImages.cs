using Imprint.Devices;
using Imprint.Memory;
using Imprint.Projects;
using Imprint.Station.Execution;
using Imprint.Targets.Virtual;

namespace Imprint.Tests.Support;

/// <summary>Programming specs and opened images for executor tests.</summary>
internal static class TestImages
{
    public const string TestSection = "selftest";

    public static readonly SerialDefinition Serial =
        new("sn", "main", TestDevices.SerialAddress, 4, SerialEncoding.BinaryLittleEndian, 1000, 1, null);

    public static readonly DynamicSlot Mac = new("mac", TestDevices.MacAddress, 6);

    public static ScriptStep[] FullScript(bool dynamic = false) =>
    [
        new() { Kind = StepKind.Power, On = true },
        new() { Kind = StepKind.Erase, Erase = EraseMode.Sectors },
        new() { Kind = StepKind.Erase, Erase = EraseMode.Range, Address = TestDevices.SerialAddress, Length = 2 * TestDevices.Sector },
        new() { Kind = StepKind.BlankCheck },
        new() { Kind = StepKind.Program },
        new() { Kind = StepKind.Verify, Verify = VerifyMode.ReadBack },
        new() { Kind = StepKind.ProgramSerial, Name = "sn" },
        .. dynamic ? new[] { new ScriptStep { Kind = StepKind.ProgramDynamic, Name = "mac" } } : [],
        new() { Kind = StepKind.ReadData, Label = "uid" },
        new() { Kind = StepKind.ReadData, Name = "DID0", Label = "did0" },
        new() { Kind = StepKind.RunTest, Label = "selftest", Test = Test() },
        new() { Kind = StepKind.Reset },
        new() { Kind = StepKind.Delay, Milliseconds = 5 },
    ];

    public static TestProgram Test(ulong expected = 0) => new(
        TestSection, TestDevices.TestRam, TestDevices.TestRam, TestDevices.TestRam + VirtualTestProgram.Size, TestDevices.TestRam + 0x1000, 1000, "r0", expected);

    public static ProgrammingSpec Spec(
        string name = "blinky",
        IReadOnlyList<ScriptStep>? script = null,
        Restrictions? restrictions = null,
        Device? device = null,
        bool dynamic = false) => new()
    {
        Name = name,
        Device = device ?? TestDevices.Lm3s6965(),
        Connection = new ConnectionSettings(DebugInterface.Swd, 4000),
        Power = new PowerSettings(3.3, 0, PowerOffAfter: true),
        Script = script ?? FullScript(dynamic),
        Serials = [Serial],
        DynamicSlots = dynamic ? [Mac] : [],
        Restrictions = restrictions ?? Restrictions.None,
    };

    public static MemoryImage Firmware(int length = 0x3000, int seed = 1)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        var image = new MemoryImage();
        image.Add(0, bytes, "firmware");
        return image;
    }

    public static StationImage Open(ProgrammingSpec spec, MemoryImage? firmware = null, byte[]? test = null, string? imageId = null) => new(
        imageId ?? "img-" + spec.Name,
        0xC0FFEE,
        spec,
        firmware ?? Firmware(),
        new Dictionary<string, ReadOnlyMemory<byte>> { [TestSection] = test ?? VirtualTestProgram.Pass() },
        "test-signer");
}
