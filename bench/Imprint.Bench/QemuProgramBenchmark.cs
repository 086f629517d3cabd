using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using Imprint.Devices;
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

    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length == 3 && args[0] == "--once")
        {
            // One programming as a fresh process, for the process-to-process comparison.
            await ProgramOnceAsync(int.Parse(args[1], CultureInfo.InvariantCulture), await File.ReadAllBytesAsync(args[2]));
            return 0;
        }

        int rounds = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 7;
        string dir = Path.Combine(Path.GetTempPath(), "imprint-bench-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        try
        {
            string bin = Path.Combine(dir, "image.bin"), elf = Path.Combine(dir, "image.elf"), back = Path.Combine(dir, "back.bin");
            var data = new byte[ImageSize];
            new Random(20250101).NextBytes(data);
            await File.WriteAllBytesAsync(bin, data);
            await RunToolAsync("arm-none-eabi-objcopy", "-I", "binary", "-O", "elf32-littlearm", "-B", "arm",
                "--rename-section", ".data=.text,contents,alloc,load,readonly,code", bin, elf);
            await RunToolAsync("arm-none-eabi-objcopy", "-O", "binary", elf, back);
            byte[] roundTrip = await File.ReadAllBytesAsync(back);
            if (!data.AsSpan().SequenceEqual(roundTrip)) throw new InvalidOperationException("objcopy changed the image.");

            string qemuVersion = (await RunToolAsync("qemu-system-arm", "--version")).Split('\n')[0];
            string gdbVersion = (await RunToolAsync("gdb-multiarch", "--version")).Split('\n')[0];

            // Warm up both sides (JIT tiering, page cache): a station programs unit after unit.
            for (int i = 0; i < 3; i++)
            {
                await TimeOnFreshQemuAsync(port => ProgramOnceAsync(port, data));
                await TimeOnFreshQemuAsync(port => GdbAsync(port, elf, load: true));
            }

            var gdbFull = new List<double>();
            var gdbConnect = new List<double>();
            var imprint = new List<double>();
            var imprintTransfer = new List<double>();
            var imprintProcess = new List<double>();
            for (int i = 0; i < rounds; i++)
            {
                gdbFull.Add(await TimeOnFreshQemuAsync(port => GdbAsync(port, elf, load: true)));
                gdbConnect.Add(await TimeOnFreshQemuAsync(port => GdbAsync(port, elf, load: false)));
                double transfer = 0;
                imprint.Add(await TimeOnFreshQemuAsync(async port => transfer = await ProgramOnceAsync(port, data)));
                imprintTransfer.Add(transfer);
                imprintProcess.Add(await TimeOnFreshQemuAsync(port => SelfAsync(port, bin)));
            }

            double gf = Median(gdbFull), gc = Median(gdbConnect), im = Median(imprint), it = Median(imprintTransfer), ip = Median(imprintProcess);
            double gt = Math.Max(gf - gc, 1e-6);
            Console.WriteLine($"QEMU: {qemuVersion}; GDB: {gdbVersion}; image: {ImageSize / 1024} KiB; rounds: {rounds}; medians");
            Console.WriteLine();
            Console.WriteLine("| what | time (ms) | KiB/s | Imprint faster by |");
            Console.WriteLine("|---|---:|---:|---:|");
            Console.WriteLine($"| gdb-multiarch process: connect + load + compare-sections | {Ms(gf)} | {Rate(gf)} | |");
            Console.WriteLine($"| Imprint as a fresh process (.NET start, connect, program, verify) | {Ms(ip)} | {Rate(ip)} | {gf / ip:0.00}x |");
            Console.WriteLine($"| Imprint in process: connect + program + verify | {Ms(im)} | {Rate(im)} | {gf / im:0.00}x |");
            Console.WriteLine($"| gdb-multiarch transfer only (above minus a connect-only run, {Ms(gc)} ms) | {Ms(gt)} | {Rate(gt)} | |");
            Console.WriteLine($"| Imprint transfer only (program + verify) | {Ms(it)} | {Rate(it)} | {gt / it:0.00}x |");
            return 0;
        }
        finally
        {
            try { Directory.Delete(dir, recursive: true); } catch (IOException) { }
        }
    }

    // Connect, program, verify, detach; returns the program + verify time in seconds.
    private static async Task<double> ProgramOnceAsync(int port, byte[] data)
    {
        var image = new MemoryImage();
        image.Add(0, data, "image.elf");
        await using var session = await GdbTargetSession.ConnectAsync("127.0.0.1", port, DeviceCatalog.BuiltIn.Get("LM3S6965"));
        long start = Stopwatch.GetTimestamp();
        await session.ProgramAsync(image);
        if (Environment.GetEnvironmentVariable("BENCH_DEBUG") is not null) Console.Error.WriteLine($"program {Stopwatch.GetElapsedTime(start).TotalMilliseconds:0.0} ms");
        await session.VerifyAsync(image);
        if (Environment.GetEnvironmentVariable("BENCH_DEBUG") is not null) Console.Error.WriteLine($"program+verify {Stopwatch.GetElapsedTime(start).TotalMilliseconds:0.0} ms");
        return Stopwatch.GetElapsedTime(start).TotalSeconds;
    }

    private static async Task GdbAsync(int port, string elf, bool load)
    {
        var args = new List<string> { "-nx", "-batch", "-ex", $"target remote 127.0.0.1:{port}" };
        if (load) args.AddRange(["-ex", "load", "-ex", "compare-sections"]);
        args.Add(elf);
        string output = await RunToolAsync("gdb-multiarch", [.. args]);
        if (load && !output.Contains("matched.", StringComparison.Ordinal)) throw new InvalidOperationException("gdb did not verify the image: " + output);
    }

    private static Task SelfAsync(int port, string bin)
    {
        string host = Environment.ProcessPath!;
        var args = new List<string>();
        if (Path.GetFileNameWithoutExtension(host) == "dotnet") args.Add(typeof(QemuProgramBenchmark).Assembly.Location);
        args.AddRange(["qemu-program", "--once", port.ToString(CultureInfo.InvariantCulture), bin]);
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
