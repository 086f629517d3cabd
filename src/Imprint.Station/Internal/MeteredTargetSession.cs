using System.Diagnostics;
using Imprint.Memory;
using Imprint.Targets;

namespace Imprint.Station.Internal;

/// <summary>
/// Passes every call to a target session and adds up the time spent in it, so a unit's time
/// splits into target I/O and the station's own overhead.
/// </summary>
internal sealed class MeteredTargetSession(ITargetSession inner) : ITargetSession
{
    private long _ticks;

    public TargetInfo Info => inner.Info;

    public TimeSpan Elapsed => Stopwatch.GetElapsedTime(0, Interlocked.Read(ref _ticks));

    public Task HaltAsync(CancellationToken cancellationToken = default) => Meter(() => inner.HaltAsync(cancellationToken));

    public Task ResetAsync(bool halt, CancellationToken cancellationToken = default) => Meter(() => inner.ResetAsync(halt, cancellationToken));

    public Task ReadMemoryAsync(ulong address, Memory<byte> destination, CancellationToken cancellationToken = default) =>
        Meter(() => inner.ReadMemoryAsync(address, destination, cancellationToken));

    public Task WriteMemoryAsync(ulong address, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default) =>
        Meter(() => inner.WriteMemoryAsync(address, data, cancellationToken));

    public Task EraseChipAsync(IProgress<TargetProgress>? progress = null, CancellationToken cancellationToken = default) =>
        Meter(() => inner.EraseChipAsync(progress, cancellationToken));

    public Task EraseRangeAsync(ulong start, ulong end, IProgress<TargetProgress>? progress = null, CancellationToken cancellationToken = default) =>
        Meter(() => inner.EraseRangeAsync(start, end, progress, cancellationToken));

    public Task ProgramAsync(MemoryImage image, IProgress<TargetProgress>? progress = null, CancellationToken cancellationToken = default) =>
        Meter(() => inner.ProgramAsync(image, progress, cancellationToken));

    public Task VerifyAsync(MemoryImage image, IProgress<TargetProgress>? progress = null, CancellationToken cancellationToken = default) =>
        Meter(() => inner.VerifyAsync(image, progress, cancellationToken));

    public Task<ulong> ReadRegisterAsync(string name, CancellationToken cancellationToken = default) => Meter(() => inner.ReadRegisterAsync(name, cancellationToken));

    public Task WriteRegisterAsync(string name, ulong value, CancellationToken cancellationToken = default) =>
        Meter(() => inner.WriteRegisterAsync(name, value, cancellationToken));

    public Task<StopEvent> RunToBreakpointAsync(ulong? entry, ulong breakpoint, TimeSpan timeout, CancellationToken cancellationToken = default) =>
        Meter(() => inner.RunToBreakpointAsync(entry, breakpoint, timeout, cancellationToken));

    public Task<string> MonitorAsync(string command, CancellationToken cancellationToken = default) => Meter(() => inner.MonitorAsync(command, cancellationToken));

    // The session belongs to the caller: disposing the meter leaves it open.
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    // The call starts inside the timed region: the in-process target does its work synchronously.
    private async Task Meter(Func<Task> call)
    {
        long start = Stopwatch.GetTimestamp();
        try
        {
            await call();
        }
        finally
        {
            Interlocked.Add(ref _ticks, Stopwatch.GetTimestamp() - start);
        }
    }

    private async Task<T> Meter<T>(Func<Task<T>> call)
    {
        long start = Stopwatch.GetTimestamp();
        try
        {
            return await call();
        }
        finally
        {
            Interlocked.Add(ref _ticks, Stopwatch.GetTimestamp() - start);
        }
    }
}
