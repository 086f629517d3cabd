using System.Globalization;
using System.Xml;
using System.Xml.Linq;
using Imprint.Devices;

namespace Imprint.Targets.Gdb.Internal;

/// <summary>One region of a server's memory map (<c>qXfer:memory-map:read</c>).</summary>
/// <param name="Kind">RAM, ROM or flash.</param>
/// <param name="Start">The first address.</param>
/// <param name="Length">The size in bytes.</param>
/// <param name="BlockSize">The erase block size for flash, or 0 when the map gives none (or for RAM and ROM).</param>
internal sealed record MemoryMapRegion(MemoryKind Kind, ulong Start, ulong Length, ulong BlockSize)
{
    /// <summary>Gets the address just past the region.</summary>
    public ulong End => Start + Length;
}

/// <summary>The memory map a debug server sends: which ranges are flash and their erase block size.</summary>
internal sealed class MemoryMap
{
    private MemoryMap(IReadOnlyList<MemoryMapRegion> regions) => Regions = regions;

    /// <summary>Gets the regions in ascending address order.</summary>
    public IReadOnlyList<MemoryMapRegion> Regions { get; }

    /// <summary>Gets a value indicating whether any region is flash.</summary>
    public bool HasFlash => Regions.Any(r => r.Kind == MemoryKind.Flash);

    /// <summary>Returns the region containing <paramref name="address"/>, or <see langword="null"/>.</summary>
    public MemoryMapRegion? RegionAt(ulong address) => Regions.FirstOrDefault(r => address >= r.Start && address < r.End);

    /// <summary>
    /// Parses <c>&lt;memory-map&gt;</c> XML: <c>&lt;memory type="flash|ram|rom" start=".." length=".."&gt;</c>
    /// with <c>&lt;property name="blocksize"&gt;</c> for flash. Numbers may be hex (<c>0x…</c>) or decimal.
    /// </summary>
    /// <exception cref="InvalidDataException">The XML is malformed or a region lacks its attributes.</exception>
    public static MemoryMap Parse(string xml)
    {
        XDocument doc;
        var settings = new XmlReaderSettings { DtdProcessing = DtdProcessing.Ignore, XmlResolver = null };
        try
        {
            using var reader = XmlReader.Create(new StringReader(xml), settings);
            doc = XDocument.Load(reader);
        }
        catch (XmlException ex)
        {
            throw new InvalidDataException($"The server sent a malformed memory map: {ex.Message}", ex);
        }

        if (doc.Root?.Name.LocalName != "memory-map") throw new InvalidDataException("The server's memory map has no <memory-map> root element.");

        var regions = new List<MemoryMapRegion>();
        foreach (var memory in doc.Root.Elements("memory"))
        {
            string? type = (string?)memory.Attribute("type");
            if (!TryNumber((string?)memory.Attribute("start"), out ulong start) || !TryNumber((string?)memory.Attribute("length"), out ulong length))
            {
                throw new InvalidDataException("The server's memory map has a <memory> element without a valid start or length.");
            }

            var kind = type switch
            {
                "flash" => MemoryKind.Flash,
                "ram" => MemoryKind.Ram,
                "rom" => MemoryKind.Rom,
                _ => throw new InvalidDataException($"The server's memory map has a <memory> element of unknown type '{type}'."),
            };

            ulong blockSize = 0;
            var property = memory.Elements("property").FirstOrDefault(p => (string?)p.Attribute("name") == "blocksize");
            if (property is not null && !TryNumber(property.Value.Trim(), out blockSize))
            {
                throw new InvalidDataException($"The server's memory map has an invalid blocksize '{property.Value}' for the flash at 0x{start:X8}.");
            }

            regions.Add(new MemoryMapRegion(kind, start, length, blockSize));
        }

        regions.Sort((a, b) => a.Start.CompareTo(b.Start));
        return new MemoryMap(regions);
    }

    private static bool TryNumber(string? text, out ulong value)
    {
        value = 0;
        if (string.IsNullOrEmpty(text)) return false;
        return text.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
            ? ulong.TryParse(text.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out value)
            : ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value);
    }
}
