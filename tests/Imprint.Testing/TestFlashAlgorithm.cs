namespace Imprint.Testing;

/// <summary>
/// A CMSIS-shaped flash algorithm (tests/Imprint.Testing/FlashAlgorithm), compiled once per
/// test process by the real arm-none-eabi-gcc into a private temp folder. It describes a 1 MiB
/// flash at 0x08000000 with 4 × 16 KiB, 1 × 64 KiB and 7 × 128 KiB sectors. Treat the file as
/// read-only: copy it to change it.
/// </summary>
public sealed class TestFlashAlgorithm
{
    public const string DeviceName = "Imprint Test 1MB Flash";
    public const uint FlashStart = 0x08000000;
    public const uint FlashSize = 0x00100000;
    public const uint PageSize = 1024;

    private static readonly Lazy<Task<TestFlashAlgorithm>> Instance = new(BuildAsync, LazyThreadSafetyMode.ExecutionAndPublication);

    private TestFlashAlgorithm(string path, byte[] bytes)
    {
        Path = path;
        Bytes = bytes;
    }

    /// <summary>Gets the path of the built <c>Test.FLM</c>.</summary>
    public string Path { get; }

    /// <summary>Gets the file's bytes.</summary>
    public byte[] Bytes { get; }

    public static string SourceDirectory => RepositoryRoot.Combine("tests", "Imprint.Testing", "FlashAlgorithm");

    public static Task<TestFlashAlgorithm> GetAsync() => Instance.Value;

    /// <summary>Returns the global symbols of the algorithm as GNU nm reports them (name → value).</summary>
    public async Task<IReadOnlyDictionary<string, uint>> SymbolsAsync()
    {
        var result = await ExternalTool.RunCheckedAsync("arm-none-eabi-nm", ["--defined-only", "-g", Path]).ConfigureAwait(false);
        var symbols = new Dictionary<string, uint>(StringComparer.Ordinal);
        foreach (var line in result.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length == 3) symbols[parts[2]] = Convert.ToUInt32(parts[0], 16);
        }

        return symbols;
    }

    private static async Task<TestFlashAlgorithm> BuildAsync()
    {
        var dir = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "imprint-flm-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(dir);
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try { Directory.Delete(dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        };
        string output = System.IO.Path.Combine(dir, "Test.FLM");
        await ExternalTool.RunCheckedAsync("arm-none-eabi-gcc",
        [
            "-mcpu=cortex-m4", "-mthumb", "-fPIC", "-O2", "-ffreestanding", "-nostdlib", "-nostartfiles",
            "-Wall", "-Wextra", "-Werror",
            "-T", System.IO.Path.Combine(SourceDirectory, "algorithm.ld"),
            "-o", output,
            System.IO.Path.Combine(SourceDirectory, "algorithm.c"),
        ]).ConfigureAwait(false);
        return new TestFlashAlgorithm(output, await File.ReadAllBytesAsync(output).ConfigureAwait(false));
    }
}
