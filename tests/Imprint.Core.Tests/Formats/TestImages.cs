using Imprint.Memory;
using Imprint.Testing;

namespace Imprint.Tests.Formats;

/// <summary>Seeded random sparse images and the comparisons the format tests share.</summary>
internal static class TestImages
{
    /// <summary>
    /// A sparse image whose segments straddle a 64 KiB boundary, a 16 MiB boundary (where S2
    /// addresses end) and a few random places up to 0xFFFF0000.
    /// </summary>
    public static MemoryImage RandomSparse(int seed, bool withEntryPoint = true)
    {
        var random = new Random(seed);
        var image = new MemoryImage();
        void Add(ulong address, int length)
        {
            var data = new byte[length];
            random.NextBytes(data);
            if (!image.Intersects(address, address + (ulong)length)) image.Add(address, data, "random");
        }

        Add(0x0000FFF0UL - (ulong)random.Next(0, 40), random.Next(20, 200));
        Add(0x00FFFFF0UL - (ulong)random.Next(0, 40), random.Next(20, 200));
        Add(0x0800FFF0UL - (ulong)random.Next(0, 40), random.Next(20, 300));
        for (int i = 0; i < random.Next(2, 8); i++)
        {
            Add((ulong)random.NextInt64(0, 0xFFFF0000), random.Next(1, 5000));
        }

        if (withEntryPoint) image.EntryPoint = (ulong)random.NextInt64(0, 0x1_0000_0000);
        return image;
    }

    public static void ShouldHaveSameBytes(this MemoryImage actual, MemoryImage expected)
    {
        actual.Segments.Select(s => (s.Start, s.Length)).ShouldBe(expected.Segments.Select(s => (s.Start, s.Length)));
        for (int i = 0; i < expected.SegmentCount; i++)
        {
            actual.Segments[i].Data.ToArray().ShouldBe(expected.Segments[i].Data.ToArray(), $"segment at 0x{expected.Segments[i].Start:X8}");
        }
    }

    /// <summary>
    /// Builds a reference S-record file from the image's raw segment bytes with srec_cat (no
    /// Imprint writer involved), for srec_cmp to compare a file under test against.
    /// </summary>
    public static async Task<string> ReferenceBySrecCatAsync(MemoryImage image, TempDirectory dir)
    {
        var args = new List<string>();
        int i = 0;
        foreach (var s in image.Segments)
        {
            var path = dir.File($"segment{i++}.bin");
            await File.WriteAllBytesAsync(path, s.Data.ToArray());
            args.AddRange([path, "-binary", "-offset", $"0x{s.Start:X}"]);
        }

        var reference = dir.File("reference.srec");
        args.AddRange(["-o", reference, "-motorola"]);
        await ExternalTool.RunCheckedAsync("srec_cat", args);
        return reference;
    }
}
