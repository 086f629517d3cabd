using System.Globalization;
using Imprint.Devices;
using Imprint.Memory;

namespace Imprint.Projects.Internal;

/// <summary>Address-range questions the validator asks of a device's memory map and a memory image, and how it prints ranges.</summary>
internal static class MemoryRanges
{
    public static (ulong Start, ulong End)? Overlap(ulong aStart, ulong aEnd, ulong bStart, ulong bEnd)
    {
        ulong start = Math.Max(aStart, bStart), end = Math.Min(aEnd, bEnd);
        return start < end ? (start, end) : null;
    }

    public static (ulong Start, ulong End)? FirstOverlap(MemoryImage image, ulong start, ulong end)
    {
        foreach (var segment in image.Segments)
        {
            if (segment.Start >= end) break;
            if (Overlap(segment.Start, segment.End, start, end) is { } o) return o;
        }

        return null;
    }

    public static (ulong Start, ulong End)? FirstOutsideFlash(Device device, MemoryImage image)
    {
        foreach (var segment in image.Segments)
        {
            ulong cursor = segment.Start;
            while (cursor < segment.End)
            {
                if (device.RegionAt(cursor) is { } region && IsFlash(region))
                {
                    cursor = Math.Min(region.End, segment.End);
                    continue;
                }

                // Extend the run of bytes outside flash as far as it goes in this segment.
                ulong stop = cursor;
                while (stop < segment.End)
                {
                    var here = device.RegionAt(stop);
                    if (here is not null && IsFlash(here)) break;
                    ulong next = here?.End
                        ?? device.Memory.Where(r => r.Start > stop).Select(r => r.Start).DefaultIfEmpty(segment.End).Min();
                    stop = Math.Min(next, segment.End);
                }

                return (cursor, stop);
            }
        }

        return null;
    }

    public static bool IsFlash(MemoryRegion region) => region.Kind is MemoryKind.Flash or MemoryKind.Otp or MemoryKind.OptionBytes;

    public static bool InFlash(Device device, ulong start, ulong end) => Covered(device, start, end, IsFlash);

    public static bool InRam(Device device, ulong start, ulong end) => Covered(device, start, end, r => r.Kind == MemoryKind.Ram);

    // Whether [start, end) lies wholly in regions that pass the filter, possibly several adjacent ones.
    public static bool Covered(Device device, ulong start, ulong end, Func<MemoryRegion, bool> filter)
    {
        if (end <= start) return false;
        ulong cursor = start;
        while (cursor < end)
        {
            var region = device.RegionAt(cursor);
            if (region is null || !filter(region)) return false;
            cursor = region.End;
        }

        return true;
    }

    public static string Range(ulong start, ulong end) => $"{Numbers.Address(start)}-{Numbers.Address(end - 1)}";

    public static string Volts(double v) => v.ToString("0.###", CultureInfo.InvariantCulture);

    public static string Stamp(DateTimeOffset t) => t.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
