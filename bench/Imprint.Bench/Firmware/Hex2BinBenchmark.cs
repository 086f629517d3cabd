using System.Diagnostics;
using System.Globalization;
using Imprint.Formats;

namespace Imprint.Bench.Firmware;

/// <summary>
/// Intel HEX → raw binary of a 32 MiB random image (about 80 MB of hex made by srec_cat):
/// GNU objcopy and srec_cat against <c>imprint fw convert</c> as a whole process (.NET start-up
/// included) and against the library call alone, all in the same run, best of N.
/// </summary>
/// <remarks>
/// Usage: <c>hex2bin [--runs N] [--size BYTES] [--dir DIR]</c>. Every tool's output is compared
/// byte for byte before any number is printed.
/// </remarks>
internal static class Hex2BinBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        int runs = int.Parse(Option(args, "--runs") ?? "5", CultureInfo.InvariantCulture);
        long size = ParseSize(Option(args, "--size") ?? "0x2000000");
        string root = FindRoot();
        string dir = Option(args, "--dir") ?? Path.Combine(root, "bench", "results", "hex2bin");
        Directory.CreateDirectory(dir);
        string hex = Path.Combine(dir, "big.hex");

        Console.Error.WriteLine($"generating {size} random bytes as Intel HEX with srec_cat …");
        await RunAsync("srec_cat", ["-generate", "0", $"0x{size:X}", "-random", "-o", hex, "-intel"]);
        Console.Error.WriteLine("building the CLI (./imprint) …");
        await RunAsync("bash", [Path.Combine(root, "imprint"), "--help"]);
        string cli = Path.Combine(root, "artifacts", "cli", "imprint.dll");

        var contenders = new (string Name, string Command, Func<string, Task> Run)[]
        {
            ("arm-none-eabi-objcopy", "arm-none-eabi-objcopy -I ihex -O binary big.hex out.bin",
                o => RunAsync("arm-none-eabi-objcopy", ["-I", "ihex", "-O", "binary", hex, o])),
            ("srec_cat", "srec_cat big.hex -intel -o out.bin -binary",
                o => RunAsync("srec_cat", [hex, "-intel", "-o", o, "-binary"])),
            ("imprint fw convert (process)", "dotnet artifacts/cli/imprint.dll fw convert big.hex -o out.bin",
                o => RunAsync("dotnet", [cli, "fw", "convert", hex, "-o", o])),
            ("Imprint library (in-process)", "FirmwareFile.Read + FirmwareFile.Write",
                o =>
                {
                    FirmwareFile.Write(FirmwareFile.Read(hex), o, FirmwareFormat.Binary);
                    return Task.CompletedTask;
                }),
        };

        var times = contenders.Select(_ => new List<double>()).ToArray();
        var cpu = contenders.Select(_ => new List<double>()).ToArray();
        var outputs = contenders.Select((_, i) => Path.Combine(dir, $"out{i}.bin")).ToArray();
        double libraryFirstCall = 0;
        for (int r = 0; r < runs; r++)
        {
            // Interleaved, so a change in machine load hits every tool alike.
            for (int i = 0; i < contenders.Length; i++)
            {
                File.Delete(outputs[i]);
                var childCpu = ChildCpuTime.Total();
                var ownCpu = Process.GetCurrentProcess().TotalProcessorTime;
                var watch = Stopwatch.StartNew();
                await contenders[i].Run(outputs[i]);
                times[i].Add(watch.Elapsed.TotalSeconds);
                cpu[i].Add(i == 3
                    ? (Process.GetCurrentProcess().TotalProcessorTime - ownCpu).TotalSeconds
                    : ((ChildCpuTime.Total() - childCpu) ?? TimeSpan.Zero).TotalSeconds);
                if (r == 0 && i == 3) libraryFirstCall = watch.Elapsed.TotalSeconds;
            }
        }

        var expected = await File.ReadAllBytesAsync(outputs[0]);
        for (int i = 1; i < outputs.Length; i++)
        {
            var actual = await File.ReadAllBytesAsync(outputs[i]);
            if (!expected.AsSpan().SequenceEqual(actual))
            {
                Console.Error.WriteLine($"error: {contenders[i].Name} wrote different bytes than objcopy.");
                return 1;
            }
        }

        double objcopy = times[0].Min(), srecCat = times[1].Min(), process = times[2].Min(), library = times[3].Min();
        Console.WriteLine($"Intel HEX → binary, {size / (1024 * 1024)} MiB random image ({new FileInfo(hex).Length / 1e6:F1} MB of hex), best of {runs}, " +
            $"{Environment.ProcessorCount} CPUs, load average {LoadAverage()}; all outputs identical.");
        Console.WriteLine();
        Console.WriteLine("| tool | command | wall best (s) | wall median (s) | CPU best (s) | imprint process faster by (wall / CPU) | imprint library faster by (wall / CPU) |");
        Console.WriteLine("|---|---|---:|---:|---:|---:|---:|");
        double processCpu = cpu[2].Min(), libraryCpu = cpu[3].Min();
        for (int i = 0; i < contenders.Length; i++)
        {
            double best = times[i].Min(), bestCpu = cpu[i].Min();
            string vsProcess = i < 2 ? $"{best / process:F2}x / {bestCpu / processCpu:F2}x" : "";
            string vsLibrary = i < 2 ? $"{best / library:F2}x / {bestCpu / libraryCpu:F2}x" : "";
            Console.WriteLine($"| {contenders[i].Name} | `{contenders[i].Command}` | {best:F3} | {Median(times[i]):F3} | {bestCpu:F3} | {vsProcess} | {vsLibrary} |");
        }

        Console.WriteLine();
        Console.WriteLine($"Library first call (JIT included): {libraryFirstCall:F3} s. " +
            $"Targets: process ≥ 1.5x objcopy ({objcopy / process:F2}x), ≥ 5x srec_cat ({srecCat / process:F2}x); " +
            $"library ≥ 1.5x objcopy ({objcopy / library:F2}x), ≥ 5x srec_cat ({srecCat / library:F2}x).");
        return 0;
    }

    internal static async Task RunAsync(string file, string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["DOTNET_TieredPGO"] = "1";
        psi.Environment["DOTNET_TC_QuickJitForLoops"] = "1";
        psi.Environment["DOTNET_NOLOGO"] = "1";
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed ({process.ExitCode}): {await stderr}{await stdout}");
        }
    }

    internal static string? Option(string[] args, string name)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    private static long ParseSize(string text) => text.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
        ? long.Parse(text.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture)
        : long.Parse(text, CultureInfo.InvariantCulture);

    internal static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted[sorted.Count / 2];
    }

    internal static string LoadAverage()
    {
        try
        {
            return File.ReadAllText("/proc/loadavg").Split(' ')[0];
        }
        catch (IOException)
        {
            return "unknown";
        }
    }

    internal static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Imprint.slnx"))) return dir.FullName;
        }

        throw new InvalidOperationException("run the benchmark from inside the repository.");
    }
}
