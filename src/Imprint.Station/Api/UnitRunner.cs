using System.Collections.Concurrent;
using Imprint.Station.Execution;
using Imprint.Station.Internal;
using Imprint.Station.Records;

namespace Imprint.Station.Api;

/// <summary>Runs API programming requests in the background, one unit at a time, and keeps their live status.</summary>
internal sealed class UnitRunner(Station station, Uri target, TimeProvider time) : IDisposable
{
    private const int Kept = 200;
    private readonly ConcurrentDictionary<string, UnitRunStatus> _runs = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _order = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _gate = new();
    private Task _current = Task.CompletedTask;
    private string? _currentId;

    public Uri Target => target;

    public UnitRunStatus? Current => _currentId is { } id && _runs.TryGetValue(id, out var run) && run.State == UnitRunState.Running ? run : null;

    public UnitRunStatus? Find(string id) => _runs.GetValueOrDefault(id);

    /// <summary>Starts a unit, or returns <see langword="null"/> when one is running.</summary>
    public UnitRunStatus? TryStart(string imageId, IReadOnlyDictionary<string, byte[]> data)
    {
        lock (_gate)
        {
            if (!_current.IsCompleted) return null;
            var id = Ulid.New(time.GetUtcNow());
            var run = new UnitRunStatus(id, imageId, UnitRunState.Running, time.GetUtcNow());
            Remember(run);
            _currentId = id;
            _current = Task.Run(() => RunAsync(run, data));
            return run;
        }
    }

    public async Task WaitAsync() => await _current;

    public void Dispose()
    {
        _stopping.Cancel();
        try
        {
            _current.Wait(TimeSpan.FromSeconds(30));
        }
        catch (AggregateException)
        {
        }

        _stopping.Dispose();
    }

    private async Task RunAsync(UnitRunStatus run, IReadOnlyDictionary<string, byte[]> data)
    {
        var progress = new InlineProgress(e => _runs[run.Id] = _runs[run.Id] with
        {
            Step = e.Step,
            StepIndex = e.StepIndex,
            StepCount = e.StepCount,
            Done = e.Done,
            Total = e.Total,
        });
        try
        {
            var record = await station.ProgramAsync(run.ImageId, target, data, progress, _stopping.Token);
            _runs[run.Id] = _runs[run.Id] with { State = record.Result == UnitResult.Pass ? UnitRunState.Passed : UnitRunState.Failed, Record = record };
        }
        catch (UnitRefusedException ex)
        {
            _runs[run.Id] = _runs[run.Id] with { State = UnitRunState.Refused, Error = ex.Message };
        }
        catch (ImprintException ex)
        {
            _runs[run.Id] = _runs[run.Id] with { State = UnitRunState.Error, Error = ex.Message };
        }
        catch (OperationCanceledException)
        {
            _runs[run.Id] = _runs[run.Id] with { State = UnitRunState.Error, Error = "the station stopped during the unit." };
        }
#pragma warning disable CA1031 // A bug must not leave the run "running" forever; the record (if any) is already written.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            _runs[run.Id] = _runs[run.Id] with { State = UnitRunState.Error, Error = $"internal error: {ex.Message}" };
        }
    }

    private void Remember(UnitRunStatus run)
    {
        _runs[run.Id] = run;
        _order.Enqueue(run.Id);
        while (_order.Count > Kept && _order.TryDequeue(out var old)) _runs.TryRemove(old, out _);
    }

    private sealed class InlineProgress(Action<UnitProgress> handler) : IProgress<UnitProgress>
    {
        public void Report(UnitProgress value) => handler(value);
    }
}
