namespace Imprint.Targets.Virtual.Internal;

/// <summary>
/// Turns the pieces of an image into blocks a flash controller accepts: aligned to each
/// region's programming unit, with the gaps inside a unit filled with the erased value, which
/// programs nothing. A flash driver such as OpenOCD's pads the same way.
/// </summary>
internal static class ProgramBlocks
{
    public static List<(ulong Address, byte[] Data)> Build(VirtualMcu mcu, IEnumerable<(ulong Address, ReadOnlyMemory<byte> Data)> pieces)
    {
        var spans = new List<(ulong Start, ulong End, byte Fill, ulong DataAt, ReadOnlyMemory<byte> Data)>();
        foreach (var (address, data) in pieces)
        {
            ulong cursor = address, end = address + (ulong)data.Length;
            while (cursor < end)
            {
                var region = mcu.RegionAt(cursor);
                if (region is null)
                {
                    // Left as it is: programming it reports the unmapped address.
                    spans.Add((cursor, end, 0, cursor, data[(int)(cursor - address)..]));
                    break;
                }

                ulong stop = Math.Min(end, region.Region.End);
                ulong unit = region.ClearsBitsOnly ? region.Granularity : 1;
                ulong alignedStart = region.Region.Start + ((cursor - region.Region.Start) / unit * unit);
                ulong alignedEnd = Math.Min(region.Region.End, region.Region.Start + ((stop - region.Region.Start + unit - 1) / unit * unit));
                var slice = data.Slice((int)(cursor - address), (int)(stop - cursor));
                spans.Add((alignedStart, alignedEnd, region.Region.ErasedValue, cursor, slice));
                cursor = stop;
            }
        }

        spans.Sort((a, b) => a.Start.CompareTo(b.Start));
        var blocks = new List<(ulong Address, byte[] Data)>();
        int i = 0;
        while (i < spans.Count)
        {
            ulong start = spans[i].Start, end = spans[i].End;
            int j = i + 1;

            // Pieces that share a programming unit must go in one block, or OTP would see it twice.
            while (j < spans.Count && spans[j].Start < end)
            {
                end = Math.Max(end, spans[j].End);
                j++;
            }

            var buffer = new byte[end - start];
            buffer.AsSpan().Fill(spans[i].Fill);
            for (int k = i; k < j; k++)
            {
                spans[k].Data.Span.CopyTo(buffer.AsSpan((int)(spans[k].DataAt - start)));
            }

            blocks.Add((start, buffer));
            i = j;
        }

        return blocks;
    }
}
