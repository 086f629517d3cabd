using Imprint.Devices;
using Imprint.Memory;
using Imprint.Targets.Gdb.Internal;
using Imprint.Targets.Virtual.Internal;

namespace Imprint.Targets.Virtual;

/// <summary>
/// An in-process session with a <see cref="VirtualMcu"/>: the fast path behind
/// <c>virtual://DEVICE</c>, with no protocol in between.
/// </summary>
/// <remarks>
/// Programming behaves as Imprint's GDB session does against OpenOCD: flash sectors not erased
/// earlier in this session are erased first, and each write is padded to the region's
/// programming unit with the erased value, which programs nothing. A sector that did not
/// really erase (<see cref="VirtualFaults.StuckSectors"/>) keeps its bits, and the verify
/// fails. The core runs no code, so <see cref="RunToBreakpointAsync"/> only stops for a
/// <see cref="VirtualTestProgram"/>.
/// </remarks>
public sealed class VirtualTargetSession : ITargetSession
{
    // Progress granularity: fine enough for a progress bar, coarse enough to cost nothing.
    private const int ChunkSize = 64 * 1024;

    private readonly TimeProvider _time;

    // Flash known to be erased in this session, so programming erases each sector once.
    private readonly RangeSet _erased = new();
    private bool _disposed;

    /// <summary>Initializes a new session.</summary>
    /// <param name="mcu">The part to talk to.</param>
    /// <param name="url">The target URL to report, or <see langword="null"/> for <c>virtual://DEVICE</c>.</param>
    /// <param name="timeProvider">The clock for run timeouts, or <see langword="null"/> for the system clock.</param>
    public VirtualTargetSession(VirtualMcu mcu, Uri? url = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(mcu);
        Mcu = mcu;
        _time = timeProvider ?? TimeProvider.System;
        url ??= new Uri("virtual://" + Uri.EscapeDataString(mcu.Device.Name));
        Info = new TargetInfo(url, mcu.Device, ServerFlash: true, ServerCrc: false, MaxPacketSize: 0);
    }

    /// <summary>Gets the simulated part.</summary>
    public VirtualMcu Mcu { get; }

    /// <inheritdoc/>
    public TargetInfo Info { get; }

    /// <inheritdoc/>
    public Task HaltAsync(CancellationToken cancellationToken = default)
    {
        Enter(cancellationToken);
        Mcu.Halt();
        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public Task ResetAsync(bool halt, CancellationToken cancellationToken = default)
    {
        Enter(cancellationToken);
        Mcu.Reset(halt);
        _erased.Clear();
        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public Task ReadMemoryAsync(ulong address, Memory<byte> destination, CancellationToken cancellationToken = default)
    {
        Enter(cancellationToken);
        Mcu.ReadMemory(address, destination.Span);
        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public Task WriteMemoryAsync(ulong address, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
    {
        Enter(cancellationToken);
        Mcu.WriteMemory(address, data.Span);
        _erased.Remove(address, address + (ulong)data.Length);
        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public async Task EraseChipAsync(IProgress<TargetProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        Enter(cancellationToken);
        await Mcu.EraseChipAsync(progress, cancellationToken).ConfigureAwait(false);
        foreach (var region in Mcu.Device.Memory.Where(r => r.Kind == MemoryKind.Flash)) _erased.Add(region.Start, region.End);
    }

    /// <inheritdoc/>
    public async Task EraseRangeAsync(ulong start, ulong end, IProgress<TargetProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        Enter(cancellationToken);
        await Mcu.EraseRangeAsync(start, end, progress, cancellationToken).ConfigureAwait(false);
        foreach (var region in Mcu.Regions)
        {
            foreach (var (sector, size) in region.SectorsCovering(start, end)) _erased.Add(sector, sector + size);
        }
    }

    /// <inheritdoc/>
    public async Task ProgramAsync(MemoryImage image, IProgress<TargetProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(image);
        Enter(cancellationToken);
        long total = image.TotalBytes, done = 0;
        progress?.Report(new TargetProgress("program", 0, total));
        var blocks = ProgramBlocks.Build(Mcu, image.Segments.Select(s => (s.Start, s.Data)));
        foreach (var (address, data) in blocks)
        {
            ulong end = address + (ulong)data.Length;
            await EraseUnlessErasedAsync(address, end, cancellationToken).ConfigureAwait(false);
            for (int offset = 0; offset < data.Length; offset += ChunkSize)
            {
                cancellationToken.ThrowIfCancellationRequested();
                int length = Math.Min(ChunkSize, data.Length - offset);
                Mcu.Program(address + (ulong)offset, data.AsSpan(offset, length));

                // Padding is not progress: count only the image's own bytes.
                done = Math.Min(total, done + length);
                progress?.Report(new TargetProgress("program", done, total));
            }

            _erased.Remove(address, end);
        }

        progress?.Report(new TargetProgress("program", total, total));
    }

    /// <inheritdoc/>
    public Task VerifyAsync(MemoryImage image, IProgress<TargetProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(image);
        Enter(cancellationToken);
        long total = image.TotalBytes, done = 0;
        progress?.Report(new TargetProgress("verify", 0, total));
        var buffer = new byte[ChunkSize];
        foreach (var segment in image.Segments)
        {
            for (int offset = 0; offset < segment.Data.Length; offset += ChunkSize)
            {
                cancellationToken.ThrowIfCancellationRequested();
                int length = Math.Min(ChunkSize, segment.Data.Length - offset);
                ulong address = segment.Start + (ulong)offset;
                var actual = buffer.AsSpan(0, length);
                Mcu.ReadMemory(address, actual);
                var expected = segment.Data.Span.Slice(offset, length);
                int same = actual.CommonPrefixLength(expected);
                if (same < length)
                {
                    ulong at = address + (ulong)same;
                    throw new TargetException(
                        $"verify failed at 0x{at:X8}: expected 0x{expected[same]:X2}, read 0x{actual[same]:X2}.", address: at);
                }

                done += length;
                progress?.Report(new TargetProgress("verify", done, total));
            }
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public Task<ulong> ReadRegisterAsync(string name, CancellationToken cancellationToken = default)
    {
        Enter(cancellationToken);
        return Task.FromResult((ulong)Mcu.ReadRegister(name));
    }

    /// <inheritdoc/>
    public Task WriteRegisterAsync(string name, ulong value, CancellationToken cancellationToken = default)
    {
        Enter(cancellationToken);
        if (value > uint.MaxValue)
        {
            throw new TargetException($"0x{value:X} does not fit register {name} of a 32-bit core.");
        }

        Mcu.WriteRegister(name, (uint)value);
        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public async Task<StopEvent> RunToBreakpointAsync(ulong? entry, ulong breakpoint, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        Enter(cancellationToken);
        Mcu.Halt();
        if (entry is { } start) Mcu.WriteRegister("pc", (uint)(start & ~1UL));
        Mcu.AddBreakpoint(breakpoint);
        try
        {
            if (Mcu.Resume() is { } stop) return stop;

            // Nothing in the simulator stops later on its own: the core spins until the timeout.
            try
            {
                await Task.Delay(timeout, _time, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                Mcu.Halt();
            }

            var halted = Mcu.LastStop;
            throw new TargetException(
                $"the core did not reach the breakpoint at 0x{breakpoint:X8} within {timeout.TotalSeconds:0.###} s and was halted at 0x{halted.ProgramCounter:X8}.",
                address: breakpoint);
        }
        finally
        {
            Mcu.RemoveBreakpoint(breakpoint);
        }
    }

    /// <inheritdoc/>
    public Task<string> MonitorAsync(string command, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(command);
        Enter(cancellationToken);

        // A monitor command may erase or reset anything: forget what is known to be erased.
        _erased.Clear();
        return VirtualMonitor.ExecuteAsync(Mcu, command, cancellationToken);
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync()
    {
        _disposed = true;
        return ValueTask.CompletedTask;
    }

    private async Task EraseUnlessErasedAsync(ulong start, ulong end, CancellationToken cancellationToken)
    {
        if (Mcu.RegionAt(start) is not { } region || !region.Region.RequiresErase || region.Region.Kind == MemoryKind.Otp) return;
        if (_erased.Contains(start, end)) return;
        foreach (var (sector, size) in region.SectorsCovering(start, end))
        {
            if (_erased.Contains(sector, sector + size)) continue;
            await Mcu.EraseRangeAsync(sector, sector + size, null, cancellationToken).ConfigureAwait(false);
            _erased.Add(sector, sector + size);
        }
    }

    private void Enter(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        cancellationToken.ThrowIfCancellationRequested();
    }
}
