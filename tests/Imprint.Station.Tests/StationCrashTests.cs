using System.Collections.Concurrent;
using System.Diagnostics;
using Imprint.Keys;
using Imprint.Station;
using Imprint.Station.Records;
using Imprint.Station.State;
using Imprint.Testing;
using Imprint.Tests.Support;
using Xunit.Abstractions;

namespace Imprint.Tests;

/// <summary>
/// Kills a station process with SIGKILL at random points while it programs, many times, and
/// checks after each restart that no serial went to two passed units, the count equals the
/// passed records, and every unit the process reported finished is in the log.
/// </summary>
public sealed class StationCrashTests(ITestOutputHelper output) : IDisposable
{
    private const int Kills = 15;
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task KilledAtRandomPoints_RestartKeepsSerialsUniqueCountsExactAndTheLogComplete()
    {
        using var signer = SigningKey.Create();
        var image = await ImageFactory.WriteAsync(_temp.File("blinky.imp"), TestImages.Spec(), signer);
        var stationDir = _temp.File("station");
        int seed = Environment.TickCount;
        var random = new Random(seed);
        output.WriteLine($"random seed {seed}");
        var reported = new List<string[]>();

        for (int kill = 0; kill < Kills; kill++)
        {
            var lines = await RunHostAsync(stationDir, image, count: 50, killAfter: TimeSpan.FromMilliseconds(random.Next(20, 400)));
            reported.AddRange(lines);
            output.WriteLine($"kill {kill + 1}: {lines.Count} unit(s) reported before SIGKILL");
        }

        reported.AddRange(await RunHostAsync(stationDir, image, count: 3, killAfter: null));

        var state = StationState.Open(new StationDirectory(stationDir));
        var log = await state.ReadLogAsync().ToListAsync();
        var byId = log.ToDictionary(r => r.Id);
        foreach (var line in reported)
        {
            byId.ShouldContainKey(line[1], $"unit {line[1]} was reported finished but is not in the log (seed {seed})");
            byId[line[1]].Result.ToString().ToLowerInvariant().ShouldBe(line[2]);
        }

        var passed = log.Where(r => r.Result == UnitResult.Pass).ToList();
        var passedSerials = passed.SelectMany(r => r.Serials).Select(s => (s.Pool, s.Index)).ToList();
        passedSerials.Distinct().Count().ShouldBe(passedSerials.Count, $"a serial was issued to two passed units (seed {seed})");
        passed.SelectMany(r => r.Serials).Select(s => s.Value).Distinct().Count().ShouldBe(passedSerials.Count);

        var counters = await state.GetCountersAsync();
        counters.Images.Single().Passed.ShouldBe(passed.Count, $"count differs from the passed records (seed {seed})");
        counters.Images.Single().Failed.ShouldBe(log.Count - passed.Count);
        var pool = counters.Pools.Single();
        pool.Reserved.ShouldBe(0);
        pool.Used.ShouldBe(passed.Count);
        (pool.Used + pool.Free).ShouldBe(pool.NextIndex);

        int interrupted = log.Count(r => r.Result == UnitResult.Interrupted);
        output.WriteLine($"{log.Count} records: {passed.Count} passed, {interrupted} interrupted, {log.Count - passed.Count - interrupted} failed");
        interrupted.ShouldBeLessThanOrEqualTo(Kills);
        interrupted.ShouldBeGreaterThan(0, $"no kill landed inside a unit; the test did not exercise recovery (seed {seed})");
        log.Where(r => r.Result == UnitResult.Interrupted).ShouldAllBe(r => r.Serials.Count == 1 && r.FailureStep == "station");
    }

    private static async Task<List<string[]>> RunHostAsync(string stationDir, string image, int count, TimeSpan? killAfter)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Imprint.Station.CrashHost.dll"));
        foreach (var a in new[] { stationDir, image, count.ToString(System.Globalization.CultureInfo.InvariantCulture), "1" }) psi.ArgumentList.Add(a);
        using var process = Process.Start(psi)!;
        var lines = new ConcurrentQueue<string>();
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var stderr = process.StandardError.ReadToEndAsync();
        var reader = Task.Run(async () =>
        {
            while (await process.StandardOutput.ReadLineAsync() is { } line)
            {
                if (line == "ready") ready.TrySetResult();
                else lines.Enqueue(line);
            }
        });
        try
        {
            var started = await Task.WhenAny(ready.Task, process.WaitForExitAsync(), Task.Delay(TimeSpan.FromSeconds(60)));
            if (!ready.Task.IsCompleted) throw new InvalidOperationException("the crash host did not start: " + await stderr);
            if (killAfter is { } delay)
            {
                await Task.Delay(delay);
                process.Kill(entireProcessTree: true);
            }

            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
            await process.WaitForExitAsync(timeout.Token);
            await reader;
            if (killAfter is null && process.ExitCode != 0) throw new InvalidOperationException("the crash host failed: " + await stderr);
        }
        finally
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
        }

        // A line cut by the kill has no result field yet: only whole lines count as reported.
        return [.. lines.Select(l => l.Split(' ')).Where(p => p.Length >= 3 && p[0] == "unit" && p[2] is "pass" or "fail")];
    }
}
