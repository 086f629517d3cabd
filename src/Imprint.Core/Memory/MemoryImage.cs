namespace Imprint.Memory;

/// <summary>
/// A sparse image of a 32-bit address space: ordered, non-overlapping segments, with
/// adjacent data merged into one segment. Every firmware input (Intel HEX, S-record, ELF,
/// raw binary) becomes one of these, and several inputs merge into one.
/// </summary>
/// <remarks>
/// Placing bytes over bytes already present is accepted when they are equal and refused
/// with a <see cref="MemoryConflictException"/> naming both inputs when they differ.
/// Appending at the end of the last segment is amortized O(1), so record-by-record readers
/// stay linear in the size of their input.
/// </remarks>
public sealed class MemoryImage
{
    /// <summary>The first address past the 32-bit address space.</summary>
    public const ulong AddressSpaceEnd = 0x1_0000_0000UL;

    private readonly List<Chunk> _chunks = [];
    private readonly List<SourceRange> _sources = [];
    private List<MemorySegment>? _segments;

    /// <summary>Gets or sets the entry point (execution start address), when the input names one.</summary>
    public ulong? EntryPoint { get; set; }

    /// <summary>Gets the segments in ascending address order.</summary>
    public IReadOnlyList<MemorySegment> Segments =>
        _segments ??= _chunks.ConvertAll(c => new MemorySegment(c.Start, new ReadOnlyMemory<byte>(c.Buffer, 0, c.Length)));

    /// <summary>Gets the number of segments.</summary>
    public int SegmentCount => _chunks.Count;

    /// <summary>Gets the total number of bytes held (gaps not counted).</summary>
    public long TotalBytes
    {
        get
        {
            long total = 0;
            foreach (var c in _chunks) total += c.Length;
            return total;
        }
    }

    /// <summary>Gets a value indicating whether the image holds no bytes.</summary>
    public bool IsEmpty => _chunks.Count == 0;

    /// <summary>Gets the lowest address holding data.</summary>
    /// <exception cref="InvalidOperationException">The image is empty.</exception>
    public ulong LowestAddress => _chunks.Count > 0 ? _chunks[0].Start : throw new InvalidOperationException("The image is empty.");

    /// <summary>Gets the address just past the highest byte held.</summary>
    /// <exception cref="InvalidOperationException">The image is empty.</exception>
    public ulong EndAddress => _chunks.Count > 0 ? _chunks[^1].End : throw new InvalidOperationException("The image is empty.");

    /// <summary>
    /// Places <paramref name="data"/> at <paramref name="address"/>.
    /// </summary>
    /// <param name="address">The address of the first byte.</param>
    /// <param name="data">The bytes to place.</param>
    /// <param name="source">The input the bytes come from, used in error messages.</param>
    /// <exception cref="ImprintException">The data extends past the 4 GiB address space.</exception>
    /// <exception cref="MemoryConflictException">Different bytes are already present in the range.</exception>
    public void Add(ulong address, ReadOnlySpan<byte> data, string source = "input")
    {
        ArgumentNullException.ThrowIfNull(source);
        if (data.IsEmpty) return;
        _segments = null;
        ulong end = address + (ulong)data.Length;
        if (address >= AddressSpaceEnd || end > AddressSpaceEnd)
        {
            throw new ImprintException(
                $"{source}: {data.Length} bytes at 0x{address:X8} extend past the 4 GiB address space.");
        }

        if (_chunks.Count == 0 || address > _chunks[^1].End)
        {
            _chunks.Add(Chunk.From(address, data));
        }
        else if (address == _chunks[^1].End)
        {
            _chunks[^1].Append(data);
        }
        else
        {
            AddOverlappingOrBefore(address, data, source);
        }

        NoteSource(address, end, source);
    }

    /// <summary>
    /// Places every segment of <paramref name="other"/> into this image, keeping the names of
    /// the inputs it was read from for error messages.
    /// </summary>
    /// <param name="other">The image to merge in.</param>
    /// <exception cref="MemoryConflictException">The images place different bytes at the same address.</exception>
    public void Merge(MemoryImage other)
    {
        ArgumentNullException.ThrowIfNull(other);
        foreach (var chunk in other._chunks)
        {
            // Add range by range so each byte keeps the name of the input it came from.
            foreach (var range in other.SourcesWithin(chunk.Start, chunk.End))
            {
                var slice = chunk.Buffer.AsSpan((int)(range.Start - chunk.Start), (int)(range.End - range.Start));
                Add(range.Start, slice, range.Source);
            }
        }

        EntryPoint ??= other.EntryPoint;
    }

    /// <summary>
    /// Copies the bytes at <paramref name="address"/> into <paramref name="destination"/>.
    /// </summary>
    /// <param name="address">The first address to read.</param>
    /// <param name="destination">Receives the bytes.</param>
    /// <returns><see langword="true"/> when every requested byte is present; otherwise <see langword="false"/> and nothing meaningful is copied.</returns>
    public bool TryRead(ulong address, Span<byte> destination)
    {
        int i = FindChunkContaining(address);
        if (i < 0) return false;
        var c = _chunks[i];
        if (address + (ulong)destination.Length > c.End) return false;
        c.Buffer.AsSpan((int)(address - c.Start), destination.Length).CopyTo(destination);
        return true;
    }

    /// <summary>
    /// Returns whether any byte of the range [<paramref name="start"/>, <paramref name="end"/>) holds data.
    /// </summary>
    /// <param name="start">The first address of the range.</param>
    /// <param name="end">The address just past the range.</param>
    /// <returns><see langword="true"/> when the range intersects a segment.</returns>
    public bool Intersects(ulong start, ulong end)
    {
        foreach (var c in _chunks)
        {
            if (c.Start >= end) break;
            if (c.End > start) return true;
        }

        return false;
    }

    /// <summary>
    /// Returns a new image holding only the bytes inside [<paramref name="start"/>, <paramref name="end"/>).
    /// </summary>
    /// <param name="start">The first address to keep.</param>
    /// <param name="end">The address just past the last one to keep.</param>
    /// <returns>The clipped image.</returns>
    public MemoryImage Slice(ulong start, ulong end)
    {
        var result = new MemoryImage { EntryPoint = EntryPoint };
        foreach (var range in SourcesWithin(start, end))
        {
            int i = FindChunkContaining(range.Start);
            var c = _chunks[i];
            result.Add(range.Start, c.Buffer.AsSpan((int)(range.Start - c.Start), (int)(range.End - range.Start)), range.Source);
        }

        return result;
    }

    /// <summary>
    /// Flattens the image into one array from its lowest to its highest address, filling gaps
    /// with <paramref name="fill"/> (as <c>objcopy -O binary</c> does with its gap fill).
    /// </summary>
    /// <param name="fill">The byte written into gaps.</param>
    /// <returns>The bytes from <see cref="LowestAddress"/> to <see cref="EndAddress"/>.</returns>
    /// <exception cref="ImprintException">The span is too large for one array.</exception>
    public byte[] ToFlatArray(byte fill)
    {
        if (IsEmpty) return [];
        ulong span = EndAddress - LowestAddress;
        if (span > (ulong)Array.MaxLength)
        {
            throw new ImprintException(
                $"the image spans 0x{LowestAddress:X8}-0x{EndAddress - 1:X8} ({span} bytes), too large for one binary file.");
        }

        var result = GC.AllocateUninitializedArray<byte>((int)span);
        ulong cursor = LowestAddress;
        foreach (var c in _chunks)
        {
            result.AsSpan((int)(cursor - LowestAddress), (int)(c.Start - cursor)).Fill(fill);
            c.Buffer.AsSpan(0, c.Length).CopyTo(result.AsSpan((int)(c.Start - LowestAddress)));
            cursor = c.End;
        }

        return result;
    }

    /// <summary>Gets the name of the input that placed the byte at <paramref name="address"/>, if any.</summary>
    /// <param name="address">The address to look up.</param>
    /// <returns>The input's name, or <see langword="null"/> when no byte is there.</returns>
    public string? SourceOf(ulong address)
    {
        foreach (var r in _sources)
        {
            if (address >= r.Start && address < r.End) return r.Source;
        }

        return null;
    }

    private void AddOverlappingOrBefore(ulong address, ReadOnlySpan<byte> data, string source)
    {
        ulong end = address + (ulong)data.Length;

        // First chunk that overlaps or touches [address, end].
        int first = LowerBoundByEnd(address);
        int last = first;
        while (last < _chunks.Count && _chunks[last].Start <= end) last++;

        // Compare the overlapped bytes before changing anything.
        for (int i = first; i < last; i++)
        {
            var c = _chunks[i];
            ulong from = Math.Max(c.Start, address);
            ulong to = Math.Min(c.End, end);
            if (from >= to) continue;
            var existing = c.Buffer.AsSpan((int)(from - c.Start), (int)(to - from));
            var incoming = data.Slice((int)(from - address), (int)(to - from));
            int mismatch = existing.CommonPrefixLength(incoming);
            if (mismatch < existing.Length)
            {
                ulong conflictStart = from + (ulong)mismatch;
                ulong conflictEnd = conflictStart;
                while (conflictEnd + 1 < to && existing[(int)(conflictEnd + 1 - from)] != incoming[(int)(conflictEnd + 1 - from)])
                {
                    conflictEnd++;
                }

                var firstSource = SourceOf(conflictStart) ?? "an earlier input";
                if (firstSource == source)
                {
                    throw new ImprintException(
                        $"{source} places different bytes twice at 0x{conflictStart:X8}-0x{conflictEnd:X8}.");
                }

                throw new MemoryConflictException(conflictStart, conflictEnd, firstSource, source);
            }
        }

        if (first == last)
        {
            _chunks.Insert(first, Chunk.From(address, data));
            return;
        }

        ulong mergedStart = Math.Min(address, _chunks[first].Start);
        ulong mergedEnd = Math.Max(end, _chunks[last - 1].End);
        if (mergedEnd - mergedStart > (ulong)Array.MaxLength)
        {
            throw new ImprintException($"{source}: a contiguous segment larger than 2 GiB is not supported.");
        }

        var merged = new Chunk(mergedStart, new byte[(int)(mergedEnd - mergedStart)], (int)(mergedEnd - mergedStart));
        data.CopyTo(merged.Buffer.AsSpan((int)(address - mergedStart)));
        for (int i = first; i < last; i++)
        {
            var c = _chunks[i];
            c.Buffer.AsSpan(0, c.Length).CopyTo(merged.Buffer.AsSpan((int)(c.Start - mergedStart)));
        }

        _chunks.RemoveRange(first, last - first);
        _chunks.Insert(first, merged);
    }

    // Index of the first chunk whose End >= address (it overlaps or touches address).
    private int LowerBoundByEnd(ulong address)
    {
        int lo = 0, hi = _chunks.Count;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (_chunks[mid].End < address) lo = mid + 1;
            else hi = mid;
        }

        return lo;
    }

    private int FindChunkContaining(ulong address)
    {
        int i = LowerBoundByEnd(address + 1);
        return i < _chunks.Count && _chunks[i].Start <= address && address < _chunks[i].End ? i : -1;
    }

    private void NoteSource(ulong start, ulong end, string source)
    {
        if (_sources.Count > 0)
        {
            var lastRange = _sources[^1];
            if (lastRange.Source == source && lastRange.End == start)
            {
                _sources[^1] = lastRange with { End = end };
                return;
            }
        }

        _sources.Add(new SourceRange(start, end, source));
    }

    // The parts of [start, end) that hold data, each tagged with the input that placed it.
    private List<SourceRange> SourcesWithin(ulong start, ulong end)
    {
        var result = new List<SourceRange>();
        foreach (var c in _chunks)
        {
            ulong from = Math.Max(c.Start, start), to = Math.Min(c.End, end);
            if (from >= to) continue;
            ulong cursor = from;
            while (cursor < to)
            {
                var range = _sources.Find(r => cursor >= r.Start && cursor < r.End);
                ulong stop = range is null ? to : Math.Min(range.End, to);
                result.Add(new SourceRange(cursor, stop, range?.Source ?? "input"));
                cursor = stop;
            }
        }

        return result;
    }

    private sealed record SourceRange(ulong Start, ulong End, string Source);

    private sealed class Chunk(ulong start, byte[] buffer, int length)
    {
        public ulong Start { get; } = start;

        public byte[] Buffer { get; private set; } = buffer;

        public int Length { get; private set; } = length;

        public ulong End => Start + (ulong)Length;

        public static Chunk From(ulong start, ReadOnlySpan<byte> data)
        {
            var buffer = new byte[Math.Max(data.Length, 64)];
            data.CopyTo(buffer);
            return new Chunk(start, buffer, data.Length);
        }

        public void Append(ReadOnlySpan<byte> data)
        {
            int needed = Length + data.Length;
            if (needed > Buffer.Length)
            {
                long grown = Math.Max((long)Buffer.Length * 2, needed);
                var bigger = GC.AllocateUninitializedArray<byte>((int)Math.Min(grown, Array.MaxLength));
                Buffer.AsSpan(0, Length).CopyTo(bigger);
                Buffer = bigger;
            }

            data.CopyTo(Buffer.AsSpan(Length));
            Length = needed;
        }
    }
}
