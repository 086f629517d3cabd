using System.Diagnostics;
using Imprint.Devices;
using Imprint.Memory;
using Imprint.Targets;
using Imprint.Targets.Gdb;
using Imprint.Targets.Virtual;

namespace Imprint.Bench;

/// <summary>
/// Bytes per second into the virtual microcontroller: in process, over its GDB server with
/// Imprint's GDB client, and over the same server with gdb-multiarch's <c>load</c> plus
/// <c>compare-sections</c> (the peer), on the same image in the same run.
/// </summary>
internal static class VirtualProgramBenchmark
{
    private static int Bytes { get; set; }

    public static async Task<int> RunAsync(string[] args)
    {
        int kib = ArgValue(args, "--size-kib", 256);
        Bytes = kib * 1024;
        int runs = ArgValue(args, "--runs", 7);
        var device = DeviceCatalog.BuiltIn.Get("NRF52832"); // real flash: erase to 0xFF in 4 KiB pages, word programming
        var firmware = new byte[kib * 1024];
        new Random(42).NextBytes(firmware);
        var image = new MemoryImage();
        image.Add(0, firmware, "bench.bin");

        var folder = Path.Combine(Path.GetTempPath(), "imprint-bench-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(folder);
        try
        {
            string bin = Path.Combine(folder, "bench.bin"), elf = Path.Combine(folder, "bench.elf");
            await File.WriteAllBytesAsync(bin, firmware);
            await RunToolAsync("arm-none-eabi-objcopy", "-I", "binary", "-O", "elf32-littlearm", "-B", "arm",
                "--rename-section", ".data=.text,contents,alloc,load,readonly,code", bin, elf);

            // In process a run takes about a millisecond: time 16 of them per sample.
            const int inProcessBatch = 16;
            var inProcess = await MeasureAsync(runs, async () =>
            {
                for (int i = 0; i < inProcessBatch; i++)
                {
                    await using var session = new VirtualTargetSession(new VirtualMcu(device));
                    await session.EraseRangeAsync(0, image.EndAddress);
                    await session.ProgramAsync(image);
                    await session.VerifyAsync(image);
                }
            });
            for (int i = 0; i < inProcess.Length; i++) inProcess[i] /= inProcessBatch;

            var imprint = await MeasureAsync(runs, async () =>
            {
                await using var server = VirtualGdbServer.Start(new VirtualMcu(device));
                await using var session = await GdbTargetSession.ConnectAsync("127.0.0.1", server.Port, device);
                await session.ProgramAsync(image);
                await session.VerifyAsync(image);
            });

            // Like for like with GDB below: one connection, program + verify again and again.
            double[] imprintWarm;
            await using (var server = VirtualGdbServer.Start(new VirtualMcu(device)))
            await using (var session = await GdbTargetSession.ConnectAsync("127.0.0.1", server.Port, device))
            {
                imprintWarm = await MeasureAsync(runs, async () =>
                {
                    await session.ProgramAsync(image);
                    await session.VerifyAsync(image);
                });
            }

            // GDB's own start-up dwarfs a 256 KiB load, so time 100 loads in one GDB process and
            // subtract a GDB process that only connects: what is left is load + compare alone.
            const int gdbRepeats = 100;
            var gdbLoads = await MeasureAsync(3, () => GdbAsync(device, elf, gdbRepeats));
            var gdbFixed = await MeasureAsync(3, () => GdbAsync(device, elf, 0));
            double gdbPerLoad = (Median(gdbLoads) - Median(gdbFixed)) / gdbRepeats;

            Console.WriteLine($"{kib} KiB of random firmware into a virtual {device.Name} (4 KiB pages, word programming), {Environment.ProcessorCount} cores, best and median of {runs} runs; each Imprint run is a fresh part (and, over RSP, a new connection).");
            Console.WriteLine();
            Console.WriteLine("| path | best MB/s | median MB/s | median ms |");
            Console.WriteLine("|---|---:|---:|---:|");
            Row("in process (`virtual://`): erase + program + verify by read-back", inProcess);
            Row("over RSP, Imprint `GdbTargetSession`: connect + program (vFlash, erasing as needed) + verify (qCRC)", imprint);
            Row("over RSP, Imprint `GdbTargetSession`: program + verify again on one connection", imprintWarm);
            Console.WriteLine($"| over RSP, gdb-multiarch: `load` + `compare-sections` (peer; {gdbRepeats} loads in one GDB, its start-up subtracted) | | {firmware.Length / gdbPerLoad / 1e6:F1} | {gdbPerLoad * 1000:F0} |");
            Console.WriteLine();
            Console.WriteLine($"Over RSP on one connection, Imprint programs and verifies {gdbPerLoad / Median(imprintWarm):F1}x as fast as gdb-multiarch's load + compare-sections " +
                $"({gdbPerLoad / Median(imprint):F1}x counting Imprint's connect and GDB's not); medians.");
            return 0;
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static double Median(double[] seconds) => seconds.Order().ElementAt(seconds.Length / 2);

    private static Task GdbAsync(Device device, string elf, int loads) => Task.Run(async () =>
    {
        await using var server = VirtualGdbServer.Start(new VirtualMcu(device));
        var args = new List<string> { "-nx", "-batch", "-ex", $"target remote 127.0.0.1:{server.Port}" };
        for (int i = 0; i < loads; i++) args.AddRange(["-ex", "load", "-ex", "compare-sections"]);
        args.Add(elf);
        await RunToolAsync("gdb-multiarch", [.. args]);
    });

    private static void Row(string name, double[] seconds)
    {
        Array.Sort(seconds);
        Console.WriteLine($"| {name} | {Bytes / seconds[0] / 1e6:F1} | {Bytes / Median(seconds) / 1e6:F1} | {Median(seconds) * 1000:F1} |");
    }

    private static async Task<double[]> MeasureAsync(int runs, Func<Task> body)
    {
        await body(); // warm-up: JIT, first connection
        var seconds = new double[runs];
        for (int i = 0; i < runs; i++)
        {
            var watch = Stopwatch.StartNew();
            await body();
            seconds[i] = watch.Elapsed.TotalSeconds;
        }

        return seconds;
    }

    private static async Task RunToolAsync(string tool, params string[] args)
    {
        var psi = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var process = Process.Start(psi) ?? throw new InvalidOperationException($"cannot start {tool}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        string output = await stdout + await stderr;
        if (process.ExitCode != 0 || output.Contains("MIS-MATCHED", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"{tool} failed ({process.ExitCode}): {output}");
        }
    }

    private static int ArgValue(string[] args, string name, int fallback)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], System.Globalization.CultureInfo.InvariantCulture) : fallback;
    }
}
