using System.Diagnostics;
using System.Globalization;
using Imprint.Devices;
using Imprint.Images;
using Imprint.Keys;
using Imprint.Memory;
using Imprint.Projects;
using Imprint.Station;
using Imprint.Station.Internal;
using Imprint.Station.Records;
using Imprint.Targets;
using Imprint.Targets.Virtual;

namespace Imprint.Bench.Station;

/// <summary>
/// Per-unit station overhead on the in-process virtual target with a 1 MiB image: each unit's
/// wall time split into target I/O (time inside target session calls) and everything else
/// (image lookup, admission and serial reservation, record and counts, both durable SQLite
/// commits). Then the log is filled with 1 million records and the same is measured again.
/// </summary>
/// <remarks>usage: station [--units N] [--log-records N]</remarks>
internal static class StationBench
{
    private const int FirmwareSize = 1 << 20;

    public static async Task<int> RunAsync(string[] args)
    {
        int units = Option(args, "--units", 200);
        int logRecords = Option(args, "--log-records", 1_000_000);
        var folder = Path.Combine(Path.GetTempPath(), "imprint-bench-station-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(folder);
        try
        {
            using var signer = SigningKey.Create();
            var imagePath = Path.Combine(folder, "bench.imp");
            await WriteImageAsync(imagePath, signer);
            await using var station = await Imprint.Station.Station.OpenAsync(new StationOptions
            {
                Directory = Path.Combine(folder, "station"),
                TrustAnySigner = true,
            });
            var imageId = (await station.Images.AddAsync(imagePath)).ImageId;
            var open = Stopwatch.StartNew();
            await station.OpenImageAsync(imageId);
            double openMs = open.Elapsed.TotalMilliseconds;

            await MeasureAsync(station, imageId, 500);
            var empty = await MeasureAsync(station, imageId, units);
            long before = await station.State.CountRecordsAsync();

            var template = (await station.State.ReadRecentAsync(1)).Single();
            var fill = Stopwatch.StartNew();
            await station.State.AppendRecordsAsync(Enumerable.Range(0, logRecords).Select(i => template with
            {
                Id = Ulid.New(template.StartedAt.AddMilliseconds(-i)),
                StartedAt = template.StartedAt.AddMilliseconds(-i),
            }));
            double fillSeconds = fill.Elapsed.TotalSeconds;
            long total = await station.State.CountRecordsAsync();
            await MeasureAsync(station, imageId, 20);
            var full = await MeasureAsync(station, imageId, units);
            long dbBytes = new FileInfo(station.Directory.DatabasePath).Length;

            Console.WriteLine("(medians over the units; durable commit = time in SQLite commits, i.e. waiting for the WAL fsync; overhead = unit - target I/O - durable commit)");
            Console.WriteLine($"station: {units} units per row, 1 MiB image (erase sectors, program, verify read-back, serial, UID), in-process virtual target");
            Console.WriteLine($"image open (verify signature and hashes, once per image): {openMs:0.0} ms");
            Console.WriteLine();
            Console.WriteLine("| log | unit | target I/O | durable commit (disk flush) | station overhead (everything else) | overhead p95 | overhead / target I/O | gen2 GCs |");
            Console.WriteLine("|---|---|---|---|---|---|---|---|");
            Console.WriteLine(empty.Row($"{before:N0} records"));
            Console.WriteLine(full.Row($"{total:N0} records"));
            Console.WriteLine();
            Console.WriteLine($"filling the log with {logRecords:N0} records took {fillSeconds:0.0} s; database {dbBytes / (1024.0 * 1024):0} MiB.");
            Console.WriteLine($"next-unit overhead with a full log vs an almost empty one: {full.OverheadMedian / empty.OverheadMedian:0.00}x");
            return 0;
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static async Task<Result> MeasureAsync(Imprint.Station.Station station, string imageId, int units)
    {
        var totals = new List<double>(units);
        var io = new List<double>(units);
        var flush = new List<double>(units);
        // A few parts reused in turn (every unit erases what it programs): allocating a fresh
        // 2 MiB part per unit would make the harness's garbage the largest "overhead".
        var parts = Enumerable.Range(0, 4).Select(i => new VirtualMcu(Device(), (ulong)i)).ToArray();
        int gen2 = GC.CollectionCount(2);
        for (int i = 0; i < units; i++)
        {
            var target = new VirtualTargetSession(parts[i % parts.Length]);
            var committed = station.State.CommitTime;
            long start = Stopwatch.GetTimestamp();
            var record = await station.ProgramAsync(imageId, target);
            double wall = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            flush.Add((station.State.CommitTime - committed).TotalMilliseconds);
            if (record.Result != UnitResult.Pass) throw new InvalidOperationException($"bench unit failed: {record.FailureMessage}");
            totals.Add(wall);
            io.Add(record.TargetMs);
        }

        var overhead = totals.Select((t, i) => t - io[i] - flush[i]).ToList();
        return new Result(Median(totals), Median(io), Median(flush), Median(overhead), Percentile(overhead, 0.95), GC.CollectionCount(2) - gen2);
    }

    private static Device Device() => new()
    {
        Name = "BENCH-2M",
        Memory =
        [
            new MemoryRegion { Name = "flash", Kind = MemoryKind.Flash, Start = 0x0800_0000, Size = 0x20_0000, Sectors = [new SectorRun(0, 0x1000)], PageSize = 0x800, ProgramGranularity = 8 },
            new MemoryRegion { Name = "sram", Kind = MemoryKind.Ram, Start = 0x2000_0000, Size = 0x2_0000 },
        ],
        UniqueId = new UniqueIdLocation(0x1FFF_7A10, 12),
    };

    private static async Task WriteImageAsync(string path, SigningKey signer)
    {
        var spec = new ProgrammingSpec
        {
            Name = "bench-1mib",
            Device = Device(),
            Connection = new ConnectionSettings(DebugInterface.Swd, 4000),
            Power = new PowerSettings(3.3, 0, false),
            Script =
            [
                new ScriptStep { Kind = StepKind.Erase, Erase = EraseMode.Sectors },
                new ScriptStep { Kind = StepKind.Erase, Erase = EraseMode.Range, Address = 0x081F_F000, Length = 0x1000 },
                new ScriptStep { Kind = StepKind.Program },
                new ScriptStep { Kind = StepKind.Verify, Verify = VerifyMode.ReadBack },
                new ScriptStep { Kind = StepKind.ProgramSerial, Name = "sn" },
                new ScriptStep { Kind = StepKind.ReadData, Label = "uid" },
            ],
            Serials = [new SerialDefinition("sn", "bench", 0x081F_F000, 8, SerialEncoding.BinaryLittleEndian, 1, 1, null)],
        };
        var firmware = new MemoryImage();
        var bytes = new byte[FirmwareSize];
        new Random(1).NextBytes(bytes);
        firmware.Add(0x0800_0000, bytes, "firmware");
        await ImageWriter.WriteAsync(new ImageContent(spec, ImageSection.FromFirmware(firmware), new BuildInfo(DateTimeOffset.UtcNow, "imprint bench", "bench")), path, signer);
    }

    private static int Option(string[] args, string name, int fallback)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
    }

    private static double Median(List<double> values) => Percentile(values, 0.5);

    private static double Percentile(List<double> values, double p)
    {
        var sorted = values.Order().ToList();
        return sorted[(int)Math.Min(sorted.Count - 1, Math.Round(p * (sorted.Count - 1)))];
    }

    private sealed record Result(double UnitMedian, double IoMedian, double FlushMedian, double OverheadMedian, double OverheadP95, int Gen2Collections)
    {
        public string Row(string log) =>
            $"| {log} | {UnitMedian:0.00} ms | {IoMedian:0.00} ms | {FlushMedian:0.00} ms | {OverheadMedian:0.00} ms | {OverheadP95:0.00} ms | {OverheadMedian / IoMedian:0.00} | {Gen2Collections} |";
    }
}
