namespace Imprint.Memory;

/// <summary>
/// Two inputs place different bytes at the same address.
/// </summary>
public sealed class MemoryConflictException : ImprintException
{
    /// <summary>Initializes a new instance.</summary>
    /// <param name="start">First conflicting address.</param>
    /// <param name="endInclusive">Last conflicting address of the contiguous conflicting run.</param>
    /// <param name="firstSource">The input that placed the bytes first.</param>
    /// <param name="secondSource">The input that tried to place different bytes.</param>
    public MemoryConflictException(ulong start, ulong endInclusive, string firstSource, string secondSource)
        : base($"{secondSource} overlaps {firstSource} with different bytes at 0x{start:X8}-0x{endInclusive:X8}.")
    {
        Start = start;
        EndInclusive = endInclusive;
        FirstSource = firstSource;
        SecondSource = secondSource;
    }

    /// <summary>Gets the first conflicting address.</summary>
    public ulong Start { get; }

    /// <summary>Gets the last conflicting address.</summary>
    public ulong EndInclusive { get; }

    /// <summary>Gets the input that placed the bytes first.</summary>
    public string FirstSource { get; }

    /// <summary>Gets the input that tried to place different bytes.</summary>
    public string SecondSource { get; }
}
