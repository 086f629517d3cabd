namespace Imprint.Targets.Gdb.Internal;

/// <summary>A set of address ranges [start, end), kept merged and sorted (the flash known to be erased).</summary>
internal sealed class RangeSet
{
    private readonly List<(ulong Start, ulong End)> _ranges = [];

    public IReadOnlyList<(ulong Start, ulong End)> Ranges => _ranges;

    public void Clear() => _ranges.Clear();

    public void Add(ulong start, ulong end)
    {
        if (start >= end) return;
        int i = 0;
        while (i < _ranges.Count && _ranges[i].End < start) i++;
        while (i < _ranges.Count && _ranges[i].Start <= end)
        {
            start = Math.Min(start, _ranges[i].Start);
            end = Math.Max(end, _ranges[i].End);
            _ranges.RemoveAt(i);
        }

        _ranges.Insert(i, (start, end));
    }

    public void Remove(ulong start, ulong end)
    {
        if (start >= end) return;
        for (int i = _ranges.Count - 1; i >= 0; i--)
        {
            var (s, e) = _ranges[i];
            if (e <= start || s >= end) continue;
            _ranges.RemoveAt(i);
            if (e > end) _ranges.Insert(i, (end, e));
            if (s < start) _ranges.Insert(i, (s, start));
        }
    }

    public bool Contains(ulong start, ulong end) =>
        start >= end || _ranges.Exists(r => r.Start <= start && r.End >= end);
}
