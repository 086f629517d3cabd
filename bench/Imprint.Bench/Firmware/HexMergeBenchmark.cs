using System.Diagnostics;
using System.Globalization;
using Imprint.Formats;
using Imprint.Memory;

namespace Imprint.Bench.Firmware;

/// <summary>
/// Merging two interleaved Intel HEX files into one binary — the worst case for merging, since
/// every 16-byte record of the second file fills a gap between two of the first — with srec_cat
/// against <c>imprint fw convert</c> (whole process) and the library call, in the same run.
/// </summary>
/// <remarks>
/// Usage: <c>hex-merge [--runs N] [--size BYTES] [--dir DIR]</c>. A random image made by srec_cat
/// is split into alternate 16-byte blocks, written as a.hex and b.hex; every tool's output is
/// compared byte for byte with the original before any number is printed.
/// </remarks>
internal static class HexMergeBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        int runs = int.Parse(Hex2BinBenchmark.Option(args, "--runs") ?? "5", CultureInfo.InvariantCulture);
        long size = long.Parse(Hex2BinBenchmark.Option(args, "--size") ?? "4194304", CultureInfo.InvariantCulture);
        string root = Hex2BinBenchmark.FindRoot();
        string dir = Hex2BinBenchmark.Option(args, "--dir") ?? Path.Combine(root, "bench", "results", "hex-merge");
        Directory.CreateDirectory(dir);
        string all = Path.Combine(dir, "all.hex"), a = Path.Combine(dir, "a.hex"), b = Path.Combine(dir, "b.hex");

        Console.Error.WriteLine($"generating {size} random bytes with srec_cat and splitting them into interleaved 16-byte records …");
        await Hex2BinBenchmark.RunAsync("srec_cat", ["-generate", "0", $"0x{size:X}", "-random", "-o", all, "-intel"]);
        var original = FirmwareFile.Read(all).ToFlatArray(0);
        var (first, second) = (new MemoryImage(), new MemoryImage());
        for (int at = 0; at < original.Length; at += 16)
        {
            ((at / 16) % 2 == 0 ? first : second).Add((ulong)at, original.AsSpan(at, Math.Min(16, original.Length - at)));
        }

        FirmwareFile.Write(first, a, FirmwareFormat.IntelHex);
        FirmwareFile.Write(second, b, FirmwareFormat.IntelHex);
        await Hex2BinBenchmark.RunAsync("bash", [Path.Combine(root, "imprint"), "--help"]);
        string cli = Path.Combine(root, "artifacts", "cli", "imprint.dll");

        var contenders = new (string Name, string Command, Func<string, Task> Run)[]
        {
            ("srec_cat", "srec_cat a.hex -intel b.hex -intel -o out.bin -binary",
                o => Hex2BinBenchmark.RunAsync("srec_cat", [a, "-intel", b, "-intel", "-o", o, "-binary"])),
            ("imprint fw convert (process)", "dotnet artifacts/cli/imprint.dll fw convert a.hex b.hex -o out.bin",
                o => Hex2BinBenchmark.RunAsync("dotnet", [cli, "fw", "convert", a, b, "-o", o])),
            ("Imprint library (in-process)", "FirmwareFile.Read x2 + MemoryImage.Merge + FirmwareFile.Write",
                o =>
                {
                    var merged = FirmwareFile.Read(a);
                    merged.Merge(FirmwareFile.Read(b));
                    FirmwareFile.Write(merged, o, FirmwareFormat.Binary);
                    return Task.CompletedTask;
                }),
        };

        var times = contenders.Select(_ => new List<double>()).ToArray();
        var outputs = contenders.Select((_, i) => Path.Combine(dir, $"out{i}.bin")).ToArray();
        for (int r = 0; r < runs; r++)
        {
            for (int i = 0; i < contenders.Length; i++)
            {
                File.Delete(outputs[i]);
                var watch = Stopwatch.StartNew();
                await contenders[i].Run(outputs[i]);
                times[i].Add(watch.Elapsed.TotalSeconds);
            }
        }

        for (int i = 0; i < outputs.Length; i++)
        {
            var written = await File.ReadAllBytesAsync(outputs[i]);
            if (!original.SequenceEqual(written))
            {
                Console.Error.WriteLine($"error: {contenders[i].Name} did not reproduce the original image.");
                return 1;
            }
        }

        double srecCat = times[0].Min();
        Console.WriteLine($"Two interleaved Intel HEX files → one binary: {size / 1024} KiB image, {size / 16} records of 16 bytes " +
            $"({(new FileInfo(a).Length + new FileInfo(b).Length) / 1e6:F1} MB of hex), best of {runs}, load average {Hex2BinBenchmark.LoadAverage()}; all outputs identical.");
        Console.WriteLine();
        Console.WriteLine("| tool | command | wall best (s) | wall median (s) | srec_cat / this |");
        Console.WriteLine("|---|---|---:|---:|---:|");
        for (int i = 0; i < contenders.Length; i++)
        {
            Console.WriteLine($"| {contenders[i].Name} | `{contenders[i].Command}` | {times[i].Min():F3} | {Hex2BinBenchmark.Median(times[i]):F3} | {srecCat / times[i].Min():F2}x |");
        }

        return 0;
    }
}
