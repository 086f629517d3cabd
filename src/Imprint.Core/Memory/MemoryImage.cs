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
/// stay linear in the size of their input; so is filling a gap next to a segment (merging two
/// interleaved inputs grows the segment in place), and the inputs' names are kept as sorted,
/// non-overlapping ranges, found by binary search.
/// </remarks>
public sealed class MemoryImage
{
    /// <summary>The first address past the 32-bit address space.</summary>
    public const ulong AddressSpaceEnd = 0x1_0000_0000UL;

    private readonly List<Chunk> _chunks = [];
    // Which input placed each byte: sorted by address, non-overlapping, covering exactly the
    // bytes held; the first input to place a byte keeps it.
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
        if (ReferenceEquals(other, this)) return;
        CheckNoConflictWith(other);

        // One pass over both address-ordered lists, linear however the inputs interleave.
        var chunks = new List<Chunk>(_chunks.Count + other._chunks.Count);
        int i = 0, j = 0;
        while (i < _chunks.Count || j < other._chunks.Count)
        {
            bool mine = j == other._chunks.Count || (i < _chunks.Count && _chunks[i].Start <= other._chunks[j].Start);
            var next = mine ? _chunks[i++] : other._chunks[j++];
            if (chunks.Count == 0 || next.Start > chunks[^1].End)
            {
                // The other image's chunks are copied: that image stays the caller's to change.
                chunks.Add(mine ? next : Chunk.From(next.Start, next.Buffer.AsSpan(0, next.Length)));
            }
            else if (next.End > chunks[^1].End)
            {
                // Overlapping or touching: the overlap holds equal bytes (checked), the rest is appended.
                chunks[^1].Append(next.Buffer.AsSpan((int)(chunks[^1].End - next.Start), (int)(next.End - chunks[^1].End)));
            }
        }

        var sources = new List<SourceRange>(_sources.Count + other._sources.Count);
        AddSourcesFirstWins(sources, _sources, other._sources);
        _chunks.Clear();
        _chunks.AddRange(chunks);
        _sources.Clear();
        _sources.AddRange(sources);
        _segments = null;
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
        int i = FirstSourceEndingAfter(address);
        return i < _sources.Count && _sources[i].Start <= address ? _sources[i].Source : null;
    }

    // Chunks of one image never overlap, so every overlap is between a chunk of each image.
    private void CheckNoConflictWith(MemoryImage other)
    {
        int i = 0, j = 0;
        while (i < _chunks.Count && j < other._chunks.Count)
        {
            Chunk mine = _chunks[i], theirs = other._chunks[j];
            ulong from = Math.Max(mine.Start, theirs.Start), to = Math.Min(mine.End, theirs.End);
            if (from < to)
            {
                var existing = mine.Buffer.AsSpan((int)(from - mine.Start), (int)(to - from));
                var incoming = theirs.Buffer.AsSpan((int)(from - theirs.Start), (int)(to - from));
                int mismatch = existing.CommonPrefixLength(incoming);
                if (mismatch < existing.Length)
                {
                    ulong start = from + (ulong)mismatch, end = start;
                    while (end + 1 < to && existing[(int)(end + 1 - from)] != incoming[(int)(end + 1 - from)]) end++;
                    throw new MemoryConflictException(start, end, SourceOf(start) ?? "an earlier input", other.SourceOf(start) ?? "input");
                }
            }

            if (mine.End <= theirs.End) i++;
            else j++;
        }
    }

    // Merges two address-ordered, non-overlapping range lists into `result`; where both name a
    // byte, `first` keeps it.
    private static void AddSourcesFirstWins(List<SourceRange> result, List<SourceRange> first, List<SourceRange> second)
    {
        int i = 0;
        foreach (var range in second)
        {
            ulong cursor = range.Start;
            while (cursor < range.End)
            {
                while (i < first.Count && first[i].End <= cursor) result.Add(first[i++]);
                if (i < first.Count && first[i].Start <= cursor)
                {
                    cursor = first[i].End;
                    continue;
                }

                ulong stop = i < first.Count ? Math.Min(range.End, first[i].Start) : range.End;
                result.Add(new SourceRange(cursor, stop, range.Source));
                cursor = stop;
            }
        }

        while (i < first.Count) result.Add(first[i++]);
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

        // The chunks and the data cover [mergedStart, mergedEnd) without a gap. When the first
        // chunk starts there it grows in place (doubling), so filling the gaps of one input with
        // another, record by record, copies each byte a bounded number of times.
        Chunk merged;
        int copyFrom;
        if (_chunks[first].Start == mergedStart)
        {
            merged = _chunks[first];
            merged.GrowTo((int)(mergedEnd - mergedStart));
            copyFrom = first + 1;
        }
        else
        {
            merged = new Chunk(mergedStart, new byte[(int)(mergedEnd - mergedStart)], (int)(mergedEnd - mergedStart));
            copyFrom = first;
        }

        for (int i = copyFrom; i < last; i++)
        {
            var c = _chunks[i];
            c.Buffer.AsSpan(0, c.Length).CopyTo(merged.Buffer.AsSpan((int)(c.Start - mergedStart)));
        }

        data.CopyTo(merged.Buffer.AsSpan((int)(address - mergedStart)));
        _chunks.RemoveRange(copyFrom, last - copyFrom);
        if (copyFrom == first) _chunks.Insert(first, merged);
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
        if (_sources.Count == 0 || start >= _sources[^1].End)
        {
            AppendSource(start, end, source);
            return;
        }

        // Out of order or over bytes already placed: only the parts no range covers yet are new.
        int i = FirstSourceEndingAfter(start);
        var gaps = new List<SourceRange>();
        ulong cursor = start;
        for (int j = i; j < _sources.Count && _sources[j].Start < end; j++)
        {
            if (_sources[j].Start > cursor) gaps.Add(new SourceRange(cursor, _sources[j].Start, source));
            cursor = Math.Max(cursor, _sources[j].End);
        }

        if (cursor < end) gaps.Add(new SourceRange(cursor, end, source));
        for (int g = gaps.Count - 1; g >= 0; g--)
        {
            int at = FirstSourceEndingAfter(gaps[g].Start);
            _sources.Insert(at, gaps[g]);
        }
    }

    private void AppendSource(ulong start, ulong end, string source)
    {
        if (_sources.Count > 0 && _sources[^1].Source == source && _sources[^1].End == start)
        {
            _sources[^1] = _sources[^1] with { End = end };
            return;
        }

        _sources.Add(new SourceRange(start, end, source));
    }

    // Index of the first source range whose End > address.
    private int FirstSourceEndingAfter(ulong address)
    {
        int lo = 0, hi = _sources.Count;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (_sources[mid].End <= address) lo = mid + 1;
            else hi = mid;
        }

        return lo;
    }

    // The parts of [start, end) that hold data, each tagged with the input that placed it.
    private List<SourceRange> SourcesWithin(ulong start, ulong end)
    {
        var result = new List<SourceRange>();
        for (int i = FirstSourceEndingAfter(start); i < _sources.Count && _sources[i].Start < end; i++)
        {
            var r = _sources[i];
            result.Add(new SourceRange(Math.Max(r.Start, start), Math.Min(r.End, end), r.Source));
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
            int at = Length;
            GrowTo(Length + data.Length);
            data.CopyTo(Buffer.AsSpan(at));
        }

        // Lengthens the chunk to `length` bytes (amortized: the buffer doubles); the new bytes
        // are the caller's to fill.
        public void GrowTo(int length)
        {
            if (length > Buffer.Length)
            {
                long grown = Math.Max((long)Buffer.Length * 2, length);
                var bigger = GC.AllocateUninitializedArray<byte>((int)Math.Min(grown, Array.MaxLength));
                Buffer.AsSpan(0, Length).CopyTo(bigger);
                Buffer = bigger;
            }

            Length = Math.Max(Length, length);
        }
    }
}
