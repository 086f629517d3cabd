namespace Imprint.Images.Internal;

/// <summary>
/// A monotonically increasing position one pipeline stage publishes (bytes read, bytes hashed)
/// and the next stage waits on.
/// </summary>
internal sealed class ProgressGate(long initial)
{
    private readonly Lock _lock = new();
    private readonly List<(long Target, TaskCompletionSource Signal)> _waiters = [];
    private long _value = initial;

    public void Advance(long value)
    {
        List<TaskCompletionSource>? ready = null;
        lock (_lock)
        {
            if (value <= _value) return;
            _value = value;
            for (int i = _waiters.Count - 1; i >= 0; i--)
            {
                if (_waiters[i].Target <= value)
                {
                    (ready ??= []).Add(_waiters[i].Signal);
                    _waiters.RemoveAt(i);
                }
            }
        }

        ready?.ForEach(s => s.TrySetResult());
    }

    public ValueTask WaitAsync(long target, CancellationToken ct)
    {
        if (Volatile.Read(ref _value) >= target) return ValueTask.CompletedTask;
        TaskCompletionSource signal;
        lock (_lock)
        {
            if (_value >= target) return ValueTask.CompletedTask;
            signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((target, signal));
        }

        return new ValueTask(signal.Task.WaitAsync(ct));
    }
}
