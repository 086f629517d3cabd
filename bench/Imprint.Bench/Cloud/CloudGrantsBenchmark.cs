using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using Imprint.Cloud;
using Imprint.Cloud.Services;
using Imprint.Projects;
using Imprint.Sdk.Cloud;
using Imprint.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Imprint.Bench.Cloud;

/// <summary>
/// Grants per second (1 unit and batches of 10) and latency with 1, 16 and 64 concurrent stations
/// on SQLite and PostgreSQL, result ingestion per second, and pgbench's TPC-B rate on the same
/// PostgreSQL server in the same run as the ceiling. Stations are real signed HTTP clients on
/// loopback, so client, service and database share this machine's cores (as pgbench's do).
/// </summary>
internal static class CloudGrantsBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var seconds = args.Length > 0 ? double.Parse(args[0], CultureInfo.InvariantCulture) : 8;
        // An optional second argument runs one engine only: postgresql or sqlite (all: both).
        var engines = new[] { "PostgreSQL", "SQLite" }
            .Where(e => args.Length < 2 || args[1].Equals("all", StringComparison.OrdinalIgnoreCase) || e.Equals(args[1], StringComparison.OrdinalIgnoreCase)).ToList();
        if (engines.Count == 0)
        {
            Console.Error.WriteLine($"error: engine '{args[1]}' is not postgresql, sqlite or all.");
            return 2;
        }

        // An optional third argument "ingest" runs the result-ingestion row only (no pgbench, no grant rows).
        var ingestOnly = args.Length > 2 && args[2].Equals("ingest", StringComparison.OrdinalIgnoreCase);
        var rows = new List<string>();
        var loadBefore = LoadAverage();
        var temp = Directory.CreateTempSubdirectory("imprint-bench-cloud-").FullName;
        try
        {
            Console.Error.WriteLine("Starting PostgreSQL (default durability: fsync on, synchronous_commit on) ...");
            var pg = await PostgresServer.StartAsync("");
            var pgbench64 = 0.0;
            foreach (var c in ingestOnly ? [] : new[] { 16, 64 })
            {
                var (tps, latency) = await PgBenchAsync(pg, c, seconds);
                pgbench64 = tps;
                rows.Add($"| pgbench TPC-B (scale 16) | PostgreSQL | {c} | {tps:F0} tps | | {latency:F1} (mean) | |");
            }

            foreach (var engine in engines)
            {
                await CheckpointAsync(pg);
                var db = engine == "SQLite" ? Path.Combine(temp, "bench.db") : await pg.CreateDatabaseAsync();
                rows.AddRange(await RunEngineAsync(engine, db, Path.Combine(temp, engine), seconds, TargetShare * pgbench64, () => CheckpointAsync(pg), ingestOnly));
            }
        }
        finally
        {
            try
            {
                Directory.Delete(temp, recursive: true);
            }
            catch (IOException)
            {
            }
        }

        Console.WriteLine($"Load average before/after (other processes share the 2 cores): {loadBefore} / {LoadAverage()}");
        Console.WriteLine();
        Console.WriteLine("| what | engine | concurrent stations | rate | units/s | p50 ms | p99 ms |");
        Console.WriteLine("|---|---|---:|---:|---:|---:|---:|");
        foreach (var row in rows)
        {
            Console.WriteLine(row);
        }

        return 0;
    }

    /// <summary>The target for single-unit grants with 64 stations, as a share of pgbench's rate.</summary>
    private const double TargetShare = 0.7;

    private static async Task<List<string>> RunEngineAsync(string engine, string database, string dataDir, double seconds, double pacedRate, Func<Task> checkpoint, bool ingestOnly)
    {
        var rows = new List<string>();
        var options = new CloudOptions { Database = database, DataDirectory = dataDir, SweepInterval = TimeSpan.Zero };
        await using var app = CloudHost.Build(options, "http://127.0.0.1:0", b => b.Logging.SetMinimumLevel(LogLevel.Warning));
        await app.StartAsync();
        var baseUrl = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 256 }) { BaseAddress = new Uri(baseUrl) };
        var account = await app.Services.GetRequiredService<AccountService>().CreateAccountAsync("Bench", "owner", baseUrl, CancellationToken.None);
        var owner = new CloudClient(http, account.Credentials);
        var job = await owner.RegisterJobAsync(new RegisterJobRequest(account.DefaultFactory.Id, "bench-img", "Bench", null, "STM32", new string('b', 64),
            [new SerialDefinition("sn", "bench", 0, 4, SerialEncoding.BinaryLittleEndian, 1, 1, null)]));
        var stations = new List<StationCloudClient>();
        for (var i = 0; i < 64; i++)
        {
            var token = await owner.CreateProvisioningTokenAsync(account.DefaultFactory.Id, new ProvisioningTokenRequest());
            var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var reg = await StationCloudClient.RegisterAsync(http, new Uri(baseUrl), token.Token, key, $"bench-{i}", "bench");
            stations.Add(new StationCloudClient(http, new Uri(baseUrl), reg.StationId, key));
        }

        foreach (var units in ingestOnly ? [] : new[] { 1, 10 })
        {
            foreach (var concurrency in new[] { 1, 16, 64 })
            {
                // Warm up (JIT, connection pools), then measure.
                await LoadAsync(stations, concurrency, TimeSpan.FromSeconds(1), s => s.RequestGrantAsync(new GrantRequest(job.Id, null, units)));
                var (count, elapsed, latencies) = await LoadAsync(stations, concurrency, TimeSpan.FromSeconds(seconds), s => s.RequestGrantAsync(new GrantRequest(job.Id, null, units)));
                var rate = count / elapsed.TotalSeconds;
                rows.Add($"| grants of {units} | {engine} | {concurrency} | {rate:F0} grants/s | {rate * units:F0} | {Percentile(latencies, 0.50):F1} | {Percentile(latencies, 0.99):F1} |");
                Console.Error.WriteLine(rows[^1]);
            }

            if (units == 1)
            {
                // The rows above saturate the machine (each station asks again the moment it is
                // answered), so their latency is mostly queueing: 64 / rate by Little's law. A line
                // asks at its own pace; this row offers the target rate (0.7 x pgbench) and measures
                // each grant from when it was due, so a backlog counts against the latency.
                // Also at 80% of the rate just measured: the latency of a service with headroom.
                var saturated = rows[^1];
                var capacity = double.Parse(saturated.Split('|')[4].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
                foreach (var (offered, label) in new[] { (pacedRate, $"{TargetShare} x pgbench"), (0.8 * capacity, "0.8 x the rate above") })
                {
                    var paced = await PacedAsync(stations, offered, TimeSpan.FromSeconds(seconds), s => s.RequestGrantAsync(new GrantRequest(job.Id, null, 1)));
                    rows.Add($"| grants of 1, offered {offered:F0}/s ({label}) | {engine} | 64 | {paced.Count / paced.Elapsed.TotalSeconds:F0} grants/s | | {Percentile(paced.LatenciesMs, 0.50):F1} | {Percentile(paced.LatenciesMs, 0.99):F1} |");
                    Console.Error.WriteLine(rows[^1]);
                }
            }
        }

        // Result ingestion: 16 stations upload 500-record batches against grants of 500 units.
        // A service ingests for hours, so this row measures one in steady state: rounds of the same
        // work (grants asked for, then uploaded) run until a round leaves the JIT nearly idle. On
        // this saturated 2-core machine tiered compilation takes tens of seconds to optimize the
        // hot path; measured after one warm-up batch per station, a third of the time went to the
        // JIT and to code not yet optimized (17k records/s where the steady state does 20k+).
        var uploaders = stations.Take(16).ToList();
        var warming = Stopwatch.StartNew();
        var rounds = 0;
        for (var jitted = long.MaxValue; jitted > 20 && warming.Elapsed < TimeSpan.FromSeconds(10 * seconds); rounds++)
        {
            var before = System.Runtime.JitInfo.GetCompiledMethodCount();
            var round = await GrantsOf500Async(uploaders, job.Id, 4);
            await LoadAsync(uploaders, 16, TimeSpan.MaxValue, s => s.ReportResultsAsync(RecordsFor(round[s].Dequeue())), maxPerWorker: 4);
            jitted = System.Runtime.JitInfo.GetCompiledMethodCount() - before;
        }

        Console.Error.WriteLine($"Ingestion warm-up: {rounds} rounds, {warming.Elapsed.TotalSeconds:F0} s, until a round compiled at most 20 methods.");
        const int measured = 16;
        var grants = await GrantsOf500Async(uploaders, job.Id, measured);
        Func<StationCloudClient, Task> upload = s => s.ReportResultsAsync(RecordsFor(grants[s].Dequeue()));
        await checkpoint();
        var (batches, took, batchLatencies) = await LoadAsync(uploaders, 16, TimeSpan.MaxValue, upload, maxPerWorker: measured);
        rows.Add($"| results, batches of 500 | {engine} | 16 | {batches * 500 / took.TotalSeconds:F0} records/s | | {Percentile(batchLatencies, 0.5):F0} | {Percentile(batchLatencies, 0.99):F0} |");
        Console.Error.WriteLine(rows[^1]);
        await app.StopAsync();
        return rows;
    }

    /// <summary><paramref name="count"/> grants of 500 units for each station, asked for by the stations at once.</summary>
    private static async Task<Dictionary<StationCloudClient, Queue<SignedGrant>>> GrantsOf500Async(List<StationCloudClient> stations, string jobId, int count)
    {
        var grants = await Task.WhenAll(stations.Select(async s =>
        {
            var queue = new Queue<SignedGrant>();
            for (var i = 0; i < count; i++)
            {
                queue.Enqueue(await s.RequestGrantAsync(new GrantRequest(jobId, null, 500)));
            }

            return (s, queue);
        }));
        return grants.ToDictionary(g => g.s, g => g.queue);
    }

    /// <summary>
    /// A successful record for each unit of the grant, as a line makes them: ids are ULIDs (which
    /// sort by start time) and units start one after another, each programmed in 2 seconds.
    /// </summary>
    private static List<ProgrammingRecord> RecordsFor(SignedGrant g) =>
        g.Grant.Units.Select(u =>
        {
            var started = g.Grant.IssuedAt.AddMilliseconds(10 * u.Index);
            return new ProgrammingRecord(Imprint.Station.Internal.Ulid.New(DateTimeOffset.UtcNow), g.Grant.Id, u.Index, started, started.AddSeconds(2),
                UnitResult.Success, CustomData: new Dictionary<string, string> { ["uid"] = "00112233445566778899AABB" });
        }).ToList();

    private static async Task<(long Count, TimeSpan Elapsed, List<double> LatenciesMs)> LoadAsync<T>(
        IReadOnlyList<StationCloudClient> stations, int concurrency, TimeSpan duration, Func<StationCloudClient, Task<T>> call, int maxPerWorker = int.MaxValue) =>
        await LoadAsync(stations, concurrency, duration, async s => { await call(s); }, maxPerWorker);

    private static async Task<(long Count, TimeSpan Elapsed, List<double> LatenciesMs)> LoadAsync(
        IReadOnlyList<StationCloudClient> stations, int concurrency, TimeSpan duration, Func<StationCloudClient, Task> call, int maxPerWorker = int.MaxValue)
    {
        var latencies = new List<double>[concurrency];
        var total = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, concurrency).Select(w => Task.Run(async () =>
        {
            var mine = latencies[w] = [];
            var station = stations[w % stations.Count];
            while (total.Elapsed < duration && mine.Count < maxPerWorker)
            {
                var t = Stopwatch.GetTimestamp();
                await call(station);
                mine.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
            }
        })).ToArray();
        await Task.WhenAll(workers);
        var elapsed = total.Elapsed;
        var all = latencies.SelectMany(l => l).ToList();
        return (all.Count, elapsed, all);
    }

    /// <summary>
    /// Open loop: every station asks at a fixed interval (together <paramref name="rate"/> per
    /// second, staggered); latency runs from when a request was due, not from when it was sent.
    /// </summary>
    private static async Task<(long Count, TimeSpan Elapsed, List<double> LatenciesMs)> PacedAsync<T>(
        IReadOnlyList<StationCloudClient> stations, double rate, TimeSpan duration, Func<StationCloudClient, Task<T>> call)
    {
        var interval = TimeSpan.FromSeconds(stations.Count / rate);
        var latencies = new List<double>[stations.Count];
        var total = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, stations.Count).Select(w => Task.Run(async () =>
        {
            var mine = latencies[w] = [];
            for (var due = interval * w / stations.Count; due < duration; due += interval)
            {
                var wait = due - total.Elapsed;
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait);
                }

                await call(stations[w]);
                mine.Add((total.Elapsed - due).TotalMilliseconds);
            }
        })).ToArray();
        await Task.WhenAll(workers);
        var all = latencies.SelectMany(l => l).ToList();
        return (all.Count, total.Elapsed, all);
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

    private static double Percentile(List<double> values, double p)
    {
        if (values.Count == 0)
        {
            return double.NaN;
        }

        var sorted = values.Order().ToList();
        return sorted[Math.Min(sorted.Count - 1, (int)(p * sorted.Count))];
    }

    private static async Task<(double Tps, double LatencyMs)> PgBenchAsync(PostgresServer pg, int clients, double seconds)
    {
        var connection = new Npgsql.NpgsqlConnectionStringBuilder(await pg.CreateDatabaseAsync());
        var env = $"PGHOST=127.0.0.1 PGPORT={pg.Port} PGUSER=postgres";
        await ShellAsync($"{env} {pg.BinDirectory}/pgbench -i -q -s 16 {connection.Database} > /dev/null 2>&1");
        await CheckpointAsync(pg);
        var output = await ShellAsync($"{env} {pg.BinDirectory}/pgbench -c {clients} -j 2 -T {(int)Math.Ceiling(seconds)} {connection.Database} 2>/dev/null");
        var line = output.Split('\n').First(l => l.StartsWith("tps = ", StringComparison.Ordinal));
        var tps = double.Parse(line["tps = ".Length..].Split(' ')[0], CultureInfo.InvariantCulture);
        var latencyLine = output.Split('\n').First(l => l.StartsWith("latency average = ", StringComparison.Ordinal));
        var latency = double.Parse(latencyLine["latency average = ".Length..].Split(' ')[0], CultureInfo.InvariantCulture);
        Console.Error.WriteLine($"pgbench -c {clients}: {tps:F0} tps, mean latency {latency:F1} ms");
        return (tps, latency);
    }

    /// <summary>
    /// Every measured run starts after a checkpoint, so that it reuses the log segments the run
    /// before it wrote (a server in steady state) instead of creating and zero-filling new ones
    /// in the middle of its commits (15% of the server's time in one profile of result uploads).
    /// </summary>
    private static async Task CheckpointAsync(PostgresServer pg)
    {
        await using var connection = new Npgsql.NpgsqlConnection(pg.AdminConnectionString);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand("CHECKPOINT", connection);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<string> ShellAsync(string command)
    {
        var psi = new ProcessStartInfo("/bin/sh") { RedirectStandardOutput = true, UseShellExecute = false };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(command);
        using var process = Process.Start(psi)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        return process.ExitCode == 0 ? output : throw new InvalidOperationException($"`{command}` failed with exit code {process.ExitCode}.");
    }
}
