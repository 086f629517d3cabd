namespace Imprint.Targets.Virtual;

/// <summary>
/// Faults a <see cref="VirtualMcu"/> and its GDB server inject, so tests can
/// exercise the failure paths of a station without broken hardware.
/// </summary>
/// <remarks>
/// Every fault is off by default. See <c>docs/virtual-target.md</c> for how each one shows.
/// </remarks>
public sealed record VirtualFaults
{
    /// <summary>Gets no faults at all.</summary>
    public static VirtualFaults None { get; } = new();

    /// <summary>
    /// Gets the number of bytes the GDB server receives on its first connection before it
    /// drops that connection without a reply, as a cut cable would. Later connections are
    /// served normally, so a client's reconnect can succeed.
    /// </summary>
    /// <value>The default is <see langword="null"/>: never drop.</value>
    public long? DropConnectionAfterBytes { get; init; }

    /// <summary>
    /// Gets a bit that comes out wrong every time a program operation writes its byte, so a
    /// later verify fails at that address.
    /// </summary>
    /// <value>The default is <see langword="null"/>: every bit programs correctly.</value>
    public VirtualBitFlip? FlipBitOnProgram { get; init; }

    /// <summary>
    /// Gets addresses whose sectors will not erase: an erase reports success and leaves the
    /// sector's bytes as they were, so a blank check or verify finds them.
    /// </summary>
    /// <value>The default is empty.</value>
    public IReadOnlyList<ulong> StuckSectors { get; init; } = [];

    /// <summary>Gets how long erasing one sector takes; the wait honours cancellation.</summary>
    /// <value>The default is <see cref="TimeSpan.Zero"/>.</value>
    public TimeSpan EraseDelayPerSector { get; init; } = TimeSpan.Zero;
}

/// <summary>One bit that a program operation gets wrong.</summary>
/// <param name="Address">The address of the byte.</param>
/// <param name="Bit">The bit number, 0 (least significant) to 7.</param>
public sealed record VirtualBitFlip(ulong Address, int Bit = 0);
