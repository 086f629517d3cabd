using System.Diagnostics;
using System.Security.Cryptography;
using Imprint.Devices;
using Imprint.Images;
using Imprint.Keys;
using Imprint.Projects;

namespace Imprint.Bench;

/// <summary>
/// Builds and opens (verify + decrypt) a large encrypted image and compares the throughput with
/// its raw ingredients measured in the same run: AES-GCM alone on 1 MiB chunks, SHA-256 alone,
/// and plain file write/read of the same bytes.
/// </summary>
internal static class ImageBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        int mib = ArgValue(args, "--size-mib", 64);
        int runs = ArgValue(args, "--runs", 7);
        int size = mib << 20;
        var firmware = GC.AllocateUninitializedArray<byte>(size);
        new Random(42).NextBytes(firmware);

        var folder = Path.Combine(Path.GetTempPath(), "imprint-bench-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(folder);
        try
        {
            using var signer = SigningKey.Create();
            var key = EncryptionKey.Create("bench");
            var keys = new KeyRing([key]);
            var content = Content(firmware);
            var encrypted = Path.Combine(folder, "enc.imp");
            var plain = Path.Combine(folder, "plain.imp");
            var raw = Path.Combine(folder, "raw.bin");

            var results = new List<(string Name, double[] Seconds)>
            {
                ("SHA-256 alone (one call)", Measure(runs, () => SHA256.HashData(firmware))),
                ("AES-256-GCM encrypt alone (1 MiB chunks)", Measure(runs, () => Gcm(firmware, encrypt: true))),
                ("AES-256-GCM decrypt alone (1 MiB chunks)", Measure(runs, () => Gcm(firmware, encrypt: false))),
                ("file write alone (same bytes)", await MeasureAsync(runs, () => File.WriteAllBytesAsync(raw, firmware))),
                ("file read alone (same bytes)", await MeasureAsync(runs, () => File.ReadAllBytesAsync(raw))),
                ("build, encrypted (sign + encrypt + write)", await MeasureAsync(runs, () => ImageWriter.WriteAsync(content, encrypted, signer, key))),
                ("open, encrypted (read + verify + decrypt)", await MeasureAsync(runs, () => ImageReader.OpenAsync(encrypted, keys))),
                ("build, plain (sign + write)", await MeasureAsync(runs, () => ImageWriter.WriteAsync(content, plain, signer))),
                ("open, plain (read + verify)", await MeasureAsync(runs, () => ImageReader.OpenAsync(plain, keys))),
            };

            Console.WriteLine($"Image of {mib} MiB of firmware, {Environment.ProcessorCount} cores, best and median of {runs} runs; GB/s = 10^9 bytes of firmware per second.");
            Console.WriteLine();
            Console.WriteLine("| operation | best GB/s | median GB/s |");
            Console.WriteLine("|---|---:|---:|");
            foreach (var (name, seconds) in results)
            {
                Array.Sort(seconds);
                Console.WriteLine($"| {name} | {size / seconds[0] / 1e9:F2} | {size / seconds[seconds.Length / 2] / 1e9:F2} |");
            }

            double Best(string prefix) => results.First(r => r.Name.StartsWith(prefix, StringComparison.Ordinal)).Seconds[0];
            double sha = Best("SHA-256"), enc = Best("AES-256-GCM encrypt"), dec = Best("AES-256-GCM decrypt");
            Console.WriteLine();
            Console.WriteLine($"Ceiling, one core doing everything once (SHA-256 + AES-GCM): build {size / (sha + enc) / 1e9:F2} GB/s, open {size / (2 * sha + dec) / 1e9:F2} GB/s (open hashes twice: the stored file and the plaintext sections).");
            Console.WriteLine($"Build: {Best("build, encrypted") / (sha + enc):P0} of that one-core time; open: {Best("open, encrypted") / (2 * sha + dec):P0}.");
            return 0;
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static ImageContent Content(byte[] firmware)
    {
        var device = new Device
        {
            Name = "BENCH",
            Memory = [new MemoryRegion { Name = "flash", Kind = MemoryKind.Flash, Start = 0x0800_0000, Size = (ulong)firmware.Length, Sectors = [new SectorRun(0, 128 * 1024)] }],
        };
        var spec = new ProgrammingSpec
        {
            Name = "bench",
            Device = device,
            Connection = new ConnectionSettings(DebugInterface.Swd, 4000),
            Power = new PowerSettings(3.3, 0, false),
            Script = [new ScriptStep { Kind = StepKind.Erase, Erase = EraseMode.Sectors }, new ScriptStep { Kind = StepKind.Program }],
        };
        return new ImageContent(
            spec,
            [new ImageSection(ImageSection.FirmwareName(0x0800_0000), SectionKind.Firmware, 0x0800_0000, firmware)],
            new BuildInfo(DateTimeOffset.UnixEpoch, "bench", "bench"));
    }

    private static void Gcm(byte[] data, bool encrypt)
    {
        const int Chunk = 1 << 20;
        using var aes = new AesGcm(new byte[32], 16);
        var nonce = new byte[12];
        var tag = new byte[16];
        var output = Scratch(data.Length);
        for (int at = 0; at < data.Length; at += Chunk)
        {
            int n = Math.Min(Chunk, data.Length - at);
            nonce[^1]++;
            if (encrypt)
            {
                aes.Encrypt(nonce, data.AsSpan(at, n), output.AsSpan(at, n), tag);
            }
            else
            {
                try
                {
                    aes.Decrypt(nonce, data.AsSpan(at, n), tag, output.AsSpan(at, n));
                }
                catch (AuthenticationTagMismatchException)
                {
                    // Random data never authenticates; the work done is the same.
                }
            }
        }
    }

    private static byte[]? _scratch;

    private static byte[] Scratch(int length) => _scratch is { } s && s.Length == length ? s : _scratch = new byte[length];

    private static double[] Measure(int runs, Action action)
    {
        action();
        var seconds = new double[runs];
        for (int i = 0; i < runs; i++)
        {
            var sw = Stopwatch.StartNew();
            action();
            seconds[i] = sw.Elapsed.TotalSeconds;
        }

        return seconds;
    }

    private static async Task<double[]> MeasureAsync(int runs, Func<Task> action)
    {
        await action();
        var seconds = new double[runs];
        for (int i = 0; i < runs; i++)
        {
            GC.Collect();
            var sw = Stopwatch.StartNew();
            await action();
            seconds[i] = sw.Elapsed.TotalSeconds;
        }

        return seconds;
    }

    private static int ArgValue(string[] args, string name, int fallback)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length && int.TryParse(args[i + 1], out int v) ? v : fallback;
    }
}
