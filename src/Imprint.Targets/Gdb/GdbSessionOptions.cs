namespace Imprint.Targets.Gdb;

/// <summary>Settings of a <see cref="GdbTargetSession"/>.</summary>
public sealed record GdbSessionOptions
{
    /// <summary>Gets how long to wait for the TCP connection.</summary>
    /// <value>The default is 5 seconds.</value>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Gets how long to wait for the reply to an ordinary request (memory, registers, breakpoints).</summary>
    /// <value>The default is 5 seconds.</value>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Gets how long to wait for requests that do real work on the target: <c>vFlashErase</c>,
    /// <c>vFlashDone</c>, <c>qCRC</c> and monitor commands (a reset).
    /// </summary>
    /// <value>The default is 60 seconds.</value>
    public TimeSpan LongRequestTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Gets how many times an operation reconnects after the connection dropped, before failing.</summary>
    /// <value>The default is 3.</value>
    public int ReconnectAttempts { get; init; } = 3;

    /// <summary>Gets the pause between reconnection attempts.</summary>
    /// <value>The default is 250 milliseconds.</value>
    public TimeSpan ReconnectDelay { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// Gets the monitor command that resets the part and leaves the core halted, or
    /// <see langword="null"/> to try <c>reset halt</c> (OpenOCD, pyOCD) and then
    /// <c>system_reset</c> (QEMU, which reloads SP and PC from the vector table).
    /// </summary>
    /// <value>The default is <see langword="null"/>.</value>
    public string? ResetCommand { get; init; }

    /// <summary>Gets a value indicating whether to switch acknowledgements off when the server offers <c>QStartNoAckMode</c>.</summary>
    /// <value>The default is <see langword="true"/>.</value>
    public bool UseNoAckMode { get; init; } = true;

    /// <summary>
    /// Gets the largest packet Imprint sends, whatever the server announces. OpenOCD drops
    /// packets over its 16 KiB buffer without a reply.
    /// </summary>
    /// <value>The default is 16384.</value>
    public int MaxPacketSize { get; init; } = 16384;

    /// <summary>
    /// Gets how many memory read or write requests may be in flight at once during bulk
    /// transfers (1 waits for each reply before sending the next request).
    /// </summary>
    /// <value>The default is 4.</value>
    public int PipelineDepth { get; init; } = 4;

    /// <summary>Gets the packet size assumed when the server announces none (GDB's own default).</summary>
    /// <value>The default is 400.</value>
    public int FallbackPacketSize { get; init; } = 400;

    /// <summary>
    /// Gets the breakpoint kind sent with <c>Z0</c>/<c>Z1</c> (the instruction size), or
    /// <see langword="null"/> for 2 on Cortex-M (Thumb) and 4 otherwise.
    /// </summary>
    public int? BreakpointKind { get; init; }

    /// <summary>Gets a value indicating whether disposing the session detaches (<c>D</c>), letting the target run.</summary>
    /// <value>The default is <see langword="true"/>.</value>
    public bool DetachOnDispose { get; init; } = true;

    /// <summary>Gets the clock used for every timeout.</summary>
    /// <value>The default is <see cref="TimeProvider.System"/>.</value>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
}
