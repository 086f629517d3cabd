namespace Imprint.Memory;

/// <summary>
/// One contiguous run of bytes in a <see cref="MemoryImage"/>.
/// </summary>
/// <param name="Start">The address of the first byte.</param>
/// <param name="Data">The bytes; the segment ends at <c>Start + Data.Length</c> (exclusive).</param>
public readonly record struct MemorySegment(ulong Start, ReadOnlyMemory<byte> Data)
{
    /// <summary>Gets the number of bytes in the segment.</summary>
    public int Length => Data.Length;

    /// <summary>Gets the address just past the last byte.</summary>
    public ulong End => Start + (ulong)Data.Length;
}
