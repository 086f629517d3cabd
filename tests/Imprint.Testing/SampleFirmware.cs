namespace Imprint.Testing;

/// <summary>
/// The LM3S6965 sample firmware (samples/firmware/lm3s6965), built once per test process by
/// the real arm-none-eabi-gcc into a private temp folder, with objcopy's Intel HEX, S-record
/// and raw binary next to the ELF. Treat the files as read-only: copy them to change them.
/// </summary>
public sealed class SampleFirmware
{
    /// <summary>Where the firmware reads its serial number (uint32, little-endian).</summary>
    public const uint SerialAddress = 0x0003F000;

    /// <summary>The first line the firmware prints on UART0.</summary>
    public const string Banner = "Imprint sample v1.0.0";

    private static readonly Lazy<Task<SampleFirmware>> Instance = new(BuildAsync, LazyThreadSafetyMode.ExecutionAndPublication);

    private SampleFirmware(string directory)
    {
        Directory = directory;
    }

    public string Directory { get; }

    public string ElfPath => Path.Combine(Directory, "firmware.elf");

    public string HexPath => Path.Combine(Directory, "firmware.hex");

    public string SRecPath => Path.Combine(Directory, "firmware.srec");

    public string BinPath => Path.Combine(Directory, "firmware.bin");

    public static string SourceDirectory => RepositoryRoot.Combine("samples", "firmware", "lm3s6965");

    public static Task<SampleFirmware> GetAsync() => Instance.Value;

    private static async Task<SampleFirmware> BuildAsync()
    {
        var dir = Path.Combine(Path.GetTempPath(), "imprint-sample-" + Guid.NewGuid().ToString("N")[..12]);
        System.IO.Directory.CreateDirectory(dir);
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try { System.IO.Directory.Delete(dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        };
        await ExternalTool.RunCheckedAsync("bash", [Path.Combine(SourceDirectory, "build.sh"), dir]).ConfigureAwait(false);
        return new SampleFirmware(dir);
    }
}
