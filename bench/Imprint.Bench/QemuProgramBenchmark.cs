using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using Imprint.Devices;
using Imprint.Formats;
using Imprint.Memory;
using Imprint.Targets.Gdb;

namespace Imprint.Bench;

/// <summary>
/// Programs and verifies a 256 KiB image into QEMU's lm3s6965evb over GDB RSP: Imprint
/// against <c>gdb-multiarch -batch -ex "target remote …" -ex load -ex compare-sections</c> on
/// the same ELF, each run on a fresh QEMU of the same build, in the same run.
/// </summary>
internal static class QemuProgramBenchmark
{
    private const int ImageSize = 256 * 1024;
    private const int Repeats = 30;

    private static int Depth { get; set; } = new GdbSessionOptions().PipelineDepth;

    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length == 3 && args[0] == "--once")
        {
            // One programming as a fresh process, for the process-to-process comparison.
            await ProgramOnceAsync(int.Parse(args[1], CultureInfo.InvariantCulture), FirmwareFile.Read(args[2]));
            return 0;
        }

        int rounds = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 9;
        if (args.Length > 1) Depth = int.Parse(args[1], CultureInfo.InvariantCulture);
        string dir = Path.Combine(Path.GetTempPath(), "imprint-bench-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        try
        {
            string bin = Path.Combine(dir, "image.bin"), obj = Path.Combine(dir, "image.o"), elf = Path.Combine(dir, "image.elf"), back = Path.Combine(dir, "back.bin");
            var data = new byte[ImageSize];
            new Random(20250101).NextBytes(data);
            await File.WriteAllBytesAsync(bin, data);
            await RunToolAsync("arm-none-eabi-objcopy", "-I", "binary", "-O", "elf32-littlearm", "-B", "arm",
                "--rename-section", ".data=.text,contents,alloc,load,readonly,code", bin, obj);
            await RunToolAsync("arm-none-eabi-ld", "-Ttext=0", "-e", "0", "-o", elf, obj); // an executable: program headers, as firmware has
            await RunToolAsync("arm-none-eabi-objcopy", "-O", "binary", elf, back);
            byte[] roundTrip = await File.ReadAllBytesAsync(back);
            if (!data.AsSpan().SequenceEqual(roundTrip)) throw new InvalidOperationException("objcopy changed the image.");

            // Imprint programs what it reads from the very ELF GDB loads.
            var image = FirmwareFile.Read(elf);
            if (image.SegmentCount != 1 || image.LowestAddress != 0 || !image.Segments[0].Data.Span.SequenceEqual(data))
            {
                throw new InvalidOperationException("Imprint read the ELF differently from objcopy.");
            }

            string qemuVersion = (await RunToolAsync("qemu-system-arm", "--version")).Split('\n')[0];
            string gdbVersion = (await RunToolAsync("gdb-multiarch", "--version")).Split('\n')[0];

            // Warm up both sides (JIT tiering, page cache): a station programs unit after unit.
            for (int i = 0; i < 3; i++)
            {
                await TimeOnFreshQemuAsync(port => ProgramOnceAsync(port, image));
                await TimeOnFreshQemuAsync(port => GdbAsync(port, elf, repeats: 1));
            }

            var gdbFull = new List<double>();
            var imprint = new List<double>();
            var imprintProcess = new List<double>();
            var gdbPerUnit = new List<double>();
            var imprintPerUnit = new List<double>();
            for (int i = 0; i < rounds; i++)
            {
                gdbFull.Add(await TimeOnFreshQemuAsync(port => GdbAsync(port, elf, repeats: 1)));
                imprint.Add(await TimeOnFreshQemuAsync(port => ProgramOnceAsync(port, image)));
                imprintProcess.Add(await TimeOnFreshQemuAsync(port => SelfAsync(port, elf)));

                // Steady state, one connection: the cost of one more unit. GDB's start-up is
                // taken out by timing 1 and 1 + Repeats loads in one process each.
                double one = await TimeOnFreshQemuAsync(port => GdbAsync(port, elf, repeats: 1));
                double many = await TimeOnFreshQemuAsync(port => GdbAsync(port, elf, repeats: 1 + Repeats));
                gdbPerUnit.Add(Math.Max(many - one, 1e-6) / Repeats);
                double perUnit = 0;
                await TimeOnFreshQemuAsync(async port => perUnit = await ProgramRepeatedlyAsync(port, image));
                imprintPerUnit.Add(perUnit);
            }

            Console.WriteLine($"QEMU: {qemuVersion}; GDB: {gdbVersion}; image: {ImageSize / 1024} KiB; rounds: {rounds}; pipeline depth: {Depth}; load average before: {File.ReadAllText("/proc/loadavg").Split(' ')[0]}");
            Console.WriteLine();
            Console.WriteLine("| what | median ms | best ms | KiB/s (median) | Imprint faster by (median / best) |");
            Console.WriteLine("|---|---:|---:|---:|---:|");
            Row("one more unit, one connection: gdb `load` + `compare-sections`", gdbPerUnit, null);
            Row("one more unit, one connection: Imprint program + verify", imprintPerUnit, gdbPerUnit);
            Row("whole job, fresh QEMU: gdb-multiarch process (start, connect, load, compare-sections)", gdbFull, null);
            Row("whole job, fresh QEMU: Imprint in process (connect, program, verify, detach)", imprint, gdbFull);
            Row("whole job, fresh QEMU: Imprint as a fresh process (.NET start-up and JIT included)", imprintProcess, gdbFull);
            return 0;
        }
        finally
        {
            try { Directory.Delete(dir, recursive: true); } catch (IOException) { }
        }
    }

    // Connect, program, verify, detach.
    private static async Task ProgramOnceAsync(int port, MemoryImage image)
    {
        await using var session = await GdbTargetSession.ConnectAsync("127.0.0.1", port, DeviceCatalog.BuiltIn.Get("LM3S6965"), new GdbSessionOptions { PipelineDepth = Depth });
        await session.ProgramAsync(image);
        await session.VerifyAsync(image);
    }

    // Program + verify Repeats times over one connection; returns seconds per unit.
    private static async Task<double> ProgramRepeatedlyAsync(int port, MemoryImage image)
    {
        await using var session = await GdbTargetSession.ConnectAsync("127.0.0.1", port, DeviceCatalog.BuiltIn.Get("LM3S6965"), new GdbSessionOptions { PipelineDepth = Depth });
        long start = Stopwatch.GetTimestamp();
        for (int i = 0; i < Repeats; i++)
        {
            await session.ProgramAsync(image);
            await session.VerifyAsync(image);
        }

        return Stopwatch.GetElapsedTime(start).TotalSeconds / Repeats;
    }

    private static async Task GdbAsync(int port, string elf, int repeats)
    {
        var args = new List<string> { "-nx", "-batch", "-ex", $"target remote 127.0.0.1:{port}" };
        for (int i = 0; i < repeats; i++) args.AddRange(["-ex", "load", "-ex", "compare-sections"]);
        args.Add(elf);
        string output = await RunToolAsync("gdb-multiarch", [.. args]);
        int matched = output.Split("matched.").Length - 1;
        if (matched != repeats) throw new InvalidOperationException($"gdb verified {matched} of {repeats} loads: {output}");
    }

    private static Task SelfAsync(int port, string elf)
    {
        string host = Environment.ProcessPath!;
        var args = new List<string>();
        if (Path.GetFileNameWithoutExtension(host) == "dotnet") args.Add(typeof(QemuProgramBenchmark).Assembly.Location);
        args.AddRange(["qemu-program", "--once", port.ToString(CultureInfo.InvariantCulture), elf]);
        return RunToolAsync(host, [.. args]);
    }

    private static async Task<double> TimeOnFreshQemuAsync(Func<int, Task> work)
    {
        using var qemu = await StartQemuAsync();
        long start = Stopwatch.GetTimestamp();
        await work(qemu.Port);
        double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        return seconds;
    }

    private static async Task<QemuHandle> StartQemuAsync()
    {
        using var probe = new TcpListener(System.Net.IPAddress.Loopback, 0);
        probe.Start();
        int port = ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        var psi = new ProcessStartInfo("qemu-system-arm") { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (string a in new[] { "-M", "lm3s6965evb", "-display", "none", "-monitor", "none", "-serial", "null", "-S", "-gdb", $"tcp:127.0.0.1:{port}" }) psi.ArgumentList.Add(a);
        var process = Process.Start(psi)!;
        _ = process.StandardError.ReadToEndAsync();
        _ = process.StandardOutput.ReadToEndAsync();
        string local = ":" + port.ToString("X4", CultureInfo.InvariantCulture);
        for (int i = 0; i < 500 && !process.HasExited; i++)
        {
            if (File.ReadLines("/proc/net/tcp").Skip(1).Any(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries) is var f && f[1].EndsWith(local, StringComparison.Ordinal) && f[3] == "0A"))
            {
                return new QemuHandle(process, port);
            }

            await Task.Delay(10);
        }

        process.Kill();
        throw new InvalidOperationException("QEMU's GDB server did not start.");
    }

    private static async Task<string> RunToolAsync(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in args) psi.ArgumentList.Add(a);
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0) throw new InvalidOperationException($"{file} exited with {process.ExitCode}: {await stderr}");
        return await stdout + await stderr;
    }

    private static void Row(string what, List<double> times, List<double>? peer)
    {
        double median = Median(times), best = times.Min();
        string ratio = peer is null ? "" : $"{Median(peer) / median:0.00}x / {peer.Min() / best:0.00}x";
        Console.WriteLine($"| {what} | {Ms(median)} | {Ms(best)} | {Rate(median)} | {ratio} |");
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }

    private static string Ms(double seconds) => (seconds * 1000).ToString("0.0", CultureInfo.InvariantCulture);

    private static string Rate(double seconds) => (ImageSize / 1024.0 / seconds).ToString("0", CultureInfo.InvariantCulture);

    private sealed class QemuHandle(Process process, int port) : IDisposable
    {
        public int Port { get; } = port;

        public void Dispose()
        {
            if (!process.HasExited) process.Kill();
            process.WaitForExit();
            process.Dispose();
        }
    }
}
