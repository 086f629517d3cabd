namespace Imprint.Tests.Support;

/// <summary>A clock the test sets and advances; timers are not needed by the station's logic except delays, which complete when time is advanced past them.</summary>
internal sealed class FakeTimeProvider(DateTimeOffset start) : TimeProvider
{
    private readonly Lock _gate = new();
    private readonly List<(DateTimeOffset Due, TaskCompletionSource Done)> _waiters = [];
    private DateTimeOffset _now = start;

    public FakeTimeProvider() : this(new DateTimeOffset(2026, 3, 1, 8, 0, 0, TimeSpan.Zero)) { }

    /// <summary>Gets or sets whether delays advance the clock by themselves (so a script with a delay step completes at once).</summary>
    public bool AutoAdvance { get; set; } = true;

    public override DateTimeOffset GetUtcNow()
    {
        lock (_gate) return _now;
    }

    public void Set(DateTimeOffset now)
    {
        lock (_gate) _now = now;
        Release();
    }

    public void Advance(TimeSpan by)
    {
        lock (_gate) _now += by;
        Release();
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new FakeTimer(this, callback, state);
        timer.Change(dueTime, period);
        return timer;
    }

    private void Release()
    {
        List<TaskCompletionSource> due = [];
        lock (_gate)
        {
            for (int i = _waiters.Count - 1; i >= 0; i--)
            {
                if (_waiters[i].Due <= _now)
                {
                    due.Add(_waiters[i].Done);
                    _waiters.RemoveAt(i);
                }
            }
        }

        foreach (var d in due) d.TrySetResult();
    }

    private sealed class FakeTimer(FakeTimeProvider owner, TimerCallback callback, object? state) : ITimer
    {
        private int _generation;

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            int generation = Interlocked.Increment(ref _generation);
            if (dueTime == Timeout.InfiniteTimeSpan) return true;
            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (owner._gate) owner._waiters.Add((owner._now + dueTime, done));
            _ = done.Task.ContinueWith(_ => { if (Volatile.Read(ref _generation) == generation) callback(state); }, TaskScheduler.Default);
            if (owner.AutoAdvance && dueTime > TimeSpan.Zero) owner.Advance(dueTime);
            else if (dueTime <= TimeSpan.Zero) owner.Release();
            return true;
        }

        public void Dispose() => Interlocked.Increment(ref _generation);

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
