using Imprint.Memory;

namespace Imprint.Formats.Internal;

/// <summary>
/// Gathers the data records of one file into a <see cref="MemoryImage"/>. Parsers decode
/// straight into a run buffer (<see cref="Reserve"/> then <see cref="Commit"/>); contiguous
/// runs in ascending order are appended to the image as they fill (amortized O(1)).
/// </summary>
/// <remarks>
/// Files whose records go backwards or repeat an address are still read in O(n log n): once
/// that happens every run is kept, and at the end the runs are sorted and coalesced, equal
/// repeated bytes accepted and different ones refused, so no input can make the image merge
/// quadratically.
/// </remarks>
internal sealed class SegmentCollector(string source)
{
    private const int InitialRunCapacity = 4 * 1024;
    private const int MaxRunCapacity = 256 * 1024;

    private readonly MemoryImage _image = new();
    private byte[] _buffer = new byte[InitialRunCapacity];
    private ulong _runStart;
    private int _runLength;
    private List<Run>? _unordered;

    /// <summary>Returns room for <paramref name="count"/> bytes at <paramref name="address"/>; call <see cref="Commit"/> after filling it.</summary>
    public Span<byte> Reserve(ulong address, int count)
    {
        if (address != _runStart + (ulong)_runLength || _runLength + count > _buffer.Length)
        {
            StartRun(address, count);
        }

        return _buffer.AsSpan(_runLength, count);
    }

    /// <summary>Keeps the <paramref name="count"/> bytes written into the last reservation.</summary>
    public void Commit(int count) => _runLength += count;

    /// <summary>Places <paramref name="data"/> at <paramref name="address"/>.</summary>
    public void Add(ulong address, ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty) return;
        data.CopyTo(Reserve(address, data.Length));
        Commit(data.Length);
    }

    /// <summary>Returns the image of everything added.</summary>
    /// <exception cref="FirmwareFormatException">The file places different bytes at the same address twice.</exception>
    public MemoryImage ToImage(ulong? entryPoint)
    {
        Flush();
        var image = _unordered is null ? _image : Coalesce();
        image.EntryPoint = entryPoint;
        return image;
    }

    private void StartRun(ulong address, int count)
    {
        bool contiguous = address == _runStart + (ulong)_runLength;
        if (contiguous && _runLength + count <= MaxRunCapacity && _buffer.Length < MaxRunCapacity)
        {
            Array.Resize(ref _buffer, Math.Min(MaxRunCapacity, Math.Max(_buffer.Length * 2, _runLength + count)));
            return;
        }

        Flush();
        _runStart = address;
        if (count > _buffer.Length) _buffer = new byte[Math.Max(count, _buffer.Length * 2)];
    }

    private void Flush()
    {
        if (_runLength == 0) return;
        var data = _buffer.AsSpan(0, _runLength);
        if (_unordered is null && (_image.IsEmpty || _runStart >= _image.EndAddress))
        {
            _image.Add(_runStart, data, source);
        }
        else
        {
            _unordered ??= [];
            _unordered.Add(new Run(_runStart, data.ToArray()));
        }

        _runStart += (ulong)_runLength;
        _runLength = 0;
    }

    private MemoryImage Coalesce()
    {
        var runs = new List<Run>(_image.SegmentCount + _unordered!.Count);
        foreach (var s in _image.Segments) runs.Add(new Run(s.Start, s.Data.ToArray()));
        runs.AddRange(_unordered);

        // Stable, so that of two runs at one address the earlier record is compared against.
        var ordered = runs.OrderBy(r => r.Start).ToList();
        var result = new MemoryImage();
        ulong start = ordered[0].Start;
        var merged = new MemoryStream();
        foreach (var run in ordered)
        {
            ulong end = start + (ulong)merged.Length;
            if (run.Start > end)
            {
                result.Add(start, merged.GetBuffer().AsSpan(0, (int)merged.Length), source);
                merged.SetLength(0);
                start = run.Start;
                end = start;
            }

            int overlap = (int)Math.Min(end - run.Start, (ulong)run.Data.Length);
            var existing = merged.GetBuffer().AsSpan((int)(run.Start - start), overlap);
            int same = existing.CommonPrefixLength(run.Data.AsSpan(0, overlap));
            if (same < overlap)
            {
                ulong first = run.Start + (ulong)same;
                ulong last = first;
                while (last + 1 < run.Start + (ulong)overlap && existing[(int)(last + 1 - run.Start)] != run.Data[(int)(last + 1 - run.Start)]) last++;
                throw new FirmwareFormatException(source, null, null, $"two records place different bytes at 0x{first:X8}-0x{last:X8}.");
            }

            merged.Write(run.Data, overlap, run.Data.Length - overlap);
        }

        result.Add(start, merged.GetBuffer().AsSpan(0, (int)merged.Length), source);
        return result;
    }

    private sealed record Run(ulong Start, byte[] Data);
}
