using Imprint.Memory;

namespace Imprint.Targets;

/// <summary>
/// A connection to one target part through a debug server (<c>gdb://HOST:PORT</c>) or the
/// built-in virtual microcontroller (<c>virtual://DEVICE</c>). One code path programs real
/// hardware, QEMU and the simulator.
/// </summary>
/// <remarks>
/// Every failure is a <see cref="TargetException"/> that carries the address involved and
/// says whether retrying may help. Sessions are not thread-safe: one operation at a time.
/// </remarks>
public interface ITargetSession : IAsyncDisposable
{
    /// <summary>Gets what the session knows about the target and the server.</summary>
    TargetInfo Info { get; }

    /// <summary>Halts the core.</summary>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task that completes when the core is halted.</returns>
    Task HaltAsync(CancellationToken cancellationToken = default);

    /// <summary>Resets the part, optionally leaving the core halted at the reset vector.</summary>
    /// <param name="halt">Whether to halt after the reset.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task that completes when the reset is done.</returns>
    Task ResetAsync(bool halt, CancellationToken cancellationToken = default);

    /// <summary>Reads memory.</summary>
    /// <param name="address">The first address.</param>
    /// <param name="destination">Receives the bytes.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task that completes when every byte is read.</returns>
    Task ReadMemoryAsync(ulong address, Memory<byte> destination, CancellationToken cancellationToken = default);

    /// <summary>Writes memory (RAM or peripherals; use <see cref="ProgramAsync"/> for flash).</summary>
    /// <param name="address">The first address.</param>
    /// <param name="data">The bytes.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task that completes when every byte is written.</returns>
    Task WriteMemoryAsync(ulong address, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default);

    /// <summary>Erases the whole flash of the part.</summary>
    /// <param name="progress">Receives progress, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task that completes when the erase is done.</returns>
    Task EraseChipAsync(IProgress<TargetProgress>? progress = null, CancellationToken cancellationToken = default);

    /// <summary>Erases every sector that intersects [<paramref name="start"/>, <paramref name="end"/>).</summary>
    /// <param name="start">The first address.</param>
    /// <param name="end">The address just past the range.</param>
    /// <param name="progress">Receives progress, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task that completes when the erase is done.</returns>
    Task EraseRangeAsync(ulong start, ulong end, IProgress<TargetProgress>? progress = null, CancellationToken cancellationToken = default);

    /// <summary>Programs every segment of <paramref name="image"/> into the part's memory (flash or RAM).</summary>
    /// <param name="image">The bytes to program.</param>
    /// <param name="progress">Receives progress, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task that completes when the image is programmed.</returns>
    Task ProgramAsync(MemoryImage image, IProgress<TargetProgress>? progress = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Verifies that the part holds <paramref name="image"/>, by reading back or with a
    /// server-side CRC where the server offers one.
    /// </summary>
    /// <param name="image">The expected bytes.</param>
    /// <param name="progress">Receives progress, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task that completes when verification is done.</returns>
    /// <exception cref="TargetException">A byte differs; the message names the first differing address.</exception>
    Task VerifyAsync(MemoryImage image, IProgress<TargetProgress>? progress = null, CancellationToken cancellationToken = default);

    /// <summary>Reads a core register by name (<c>r0</c>…<c>r12</c>, <c>sp</c>, <c>lr</c>, <c>pc</c>, <c>xpsr</c>).</summary>
    /// <param name="name">The register name.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The register value.</returns>
    Task<ulong> ReadRegisterAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Writes a core register by name.</summary>
    /// <param name="name">The register name.</param>
    /// <param name="value">The value.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task that completes when the register is written.</returns>
    Task WriteRegisterAsync(string name, ulong value, CancellationToken cancellationToken = default);

    /// <summary>
    /// Resumes the core at <paramref name="entry"/> (or where it is, when <see langword="null"/>)
    /// and waits until it stops at <paramref name="breakpoint"/> or <paramref name="timeout"/> passes.
    /// </summary>
    /// <param name="entry">The address to start at, or <see langword="null"/> to continue.</param>
    /// <param name="breakpoint">The address where execution must stop.</param>
    /// <param name="timeout">How long to wait before halting the core and failing.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>Why and where the core stopped.</returns>
    Task<StopEvent> RunToBreakpointAsync(ulong? entry, ulong breakpoint, TimeSpan timeout, CancellationToken cancellationToken = default);

    /// <summary>Sends a monitor command to the debug server and returns its console output.</summary>
    /// <param name="command">The command, as typed after <c>monitor</c> in GDB.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The server's console output.</returns>
    Task<string> MonitorAsync(string command, CancellationToken cancellationToken = default);
}
