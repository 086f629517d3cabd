using System.Buffers.Binary;
using System.Text;

namespace Imprint.Devices.Cmsis.Internal;

/// <summary>A section header of a 32-bit ELF file.</summary>
internal sealed record ElfSection(string Name, uint Type, uint Flags, uint Address, uint Offset, uint Size)
{
    public const uint ProgBits = 1;
    public const uint SymTab = 2;
    public const uint NoBits = 8;
}

/// <summary>A symbol of a 32-bit ELF file.</summary>
internal sealed record ElfSymbol(string Name, uint Value, uint Size, byte Info, ushort SectionIndex)
{
    public bool IsGlobal => Info >> 4 is 1 or 2; // STB_GLOBAL or STB_WEAK
}

/// <summary>
/// Just enough of a 32-bit little-endian ELF reader for CMSIS flash algorithms: section headers
/// and the symbol table. Every offset is checked against the file, so a damaged file gives a
/// <see cref="DeviceException"/> and never reads out of bounds.
/// </summary>
internal sealed class ElfFile
{
    private const int HeaderSize = 52;
    private const int SectionHeaderSize = 40;
    private const int SymbolSize = 16;
    private const ushort MachineArm = 40;
    private const int MaxSections = 4096;

    private readonly ReadOnlyMemory<byte> _data;

    private ElfFile(ReadOnlyMemory<byte> data, IReadOnlyList<ElfSection> sections, IReadOnlyList<ElfSymbol> symbols)
    {
        _data = data;
        Sections = sections;
        Symbols = symbols;
    }

    public IReadOnlyList<ElfSection> Sections { get; }

    public IReadOnlyList<ElfSymbol> Symbols { get; }

    public static ElfFile Parse(ReadOnlyMemory<byte> memory, string fileName)
    {
        var data = memory.Span;
        if (data.Length < 4 || data[0] != 0x7F || data[1] != (byte)'E' || data[2] != (byte)'L' || data[3] != (byte)'F')
        {
            throw new DeviceException($"{fileName} is not an ELF file (no 0x7F 'ELF' magic at offset 0).");
        }

        if (data.Length < HeaderSize) throw new DeviceException($"{fileName} is {data.Length} bytes, too short for an ELF header ({HeaderSize} bytes).");
        if (data[4] != 1) throw new DeviceException($"{fileName} is not a 32-bit ELF file (class {data[4]} at offset 0x4); flash algorithms are 32-bit Arm ELF files.");
        if (data[5] != 1) throw new DeviceException($"{fileName} is not a little-endian ELF file (data encoding {data[5]} at offset 0x5).");
        ushort machine = BinaryPrimitives.ReadUInt16LittleEndian(data[18..]);
        if (machine != MachineArm) throw new DeviceException($"{fileName} is an ELF file for machine {machine}, not Arm (40), at offset 0x12.");

        uint shoff = BinaryPrimitives.ReadUInt32LittleEndian(data[32..]);
        ushort shentsize = BinaryPrimitives.ReadUInt16LittleEndian(data[46..]);
        uint shnum = BinaryPrimitives.ReadUInt16LittleEndian(data[48..]);
        uint shstrndx = BinaryPrimitives.ReadUInt16LittleEndian(data[50..]);
        if (shoff == 0) throw new DeviceException($"{fileName} has no section header table (e_shoff is 0).");
        if (shentsize < SectionHeaderSize) throw new DeviceException($"{fileName} has section headers of {shentsize} bytes at offset 0x2E; 32-bit ELF needs {SectionHeaderSize}.");
        if (shoff > (ulong)data.Length - SectionHeaderSize) throw new DeviceException($"{fileName}: the section header table at offset 0x{shoff:X} lies past the end of the file ({data.Length} bytes).");

        // Extended numbering: with 0xFF00 or more sections the counts live in section 0.
        if (shnum == 0) shnum = BinaryPrimitives.ReadUInt32LittleEndian(data[(int)(shoff + 20)..]);
        if (shstrndx == 0xFFFF) shstrndx = BinaryPrimitives.ReadUInt32LittleEndian(data[(int)(shoff + 24)..]);
        if (shnum > MaxSections) throw new DeviceException($"{fileName} claims {shnum} sections; a flash algorithm has a few dozen.");
        if (shoff + ((ulong)shnum * shentsize) > (ulong)data.Length)
        {
            throw new DeviceException($"{fileName}: the section header table at offset 0x{shoff:X} ({shnum} × {shentsize} bytes) runs past the end of the file ({data.Length} bytes).");
        }

        var raw = new (uint Name, uint Type, uint Flags, uint Addr, uint Offset, uint Size, uint Link)[shnum];
        for (int i = 0; i < shnum; i++)
        {
            var h = data[(int)(shoff + ((ulong)i * shentsize))..];
            raw[i] = (Read32(h, 0), Read32(h, 4), Read32(h, 8), Read32(h, 12), Read32(h, 16), Read32(h, 20), Read32(h, 24));
            if (raw[i].Type != ElfSection.NoBits && raw[i].Type != 0 && (ulong)raw[i].Offset + raw[i].Size > (ulong)data.Length)
            {
                throw new DeviceException($"{fileName}: section {i} (offset 0x{raw[i].Offset:X}, {raw[i].Size} bytes) runs past the end of the file ({data.Length} bytes).");
            }
        }

        if (shstrndx >= shnum) throw new DeviceException($"{fileName}: the section name table index {shstrndx} is not one of its {shnum} sections.");
        var names = FileBytes(data, raw[shstrndx].Type, raw[shstrndx].Offset, raw[shstrndx].Size);
        var sections = new ElfSection[shnum];
        for (int i = 0; i < shnum; i++)
        {
            var r = raw[i];
            sections[i] = new ElfSection(ReadString(names, r.Name, fileName, "section name"), r.Type, r.Flags, r.Addr, r.Offset, r.Size);
        }

        var symbols = new List<ElfSymbol>();
        for (int i = 0; i < shnum; i++)
        {
            if (raw[i].Type != ElfSection.SymTab) continue;
            if (raw[i].Link >= shnum) throw new DeviceException($"{fileName}: the symbol table's string table index {raw[i].Link} is not one of its {shnum} sections.");
            var link = raw[raw[i].Link];
            var strings = FileBytes(data, link.Type, link.Offset, link.Size);
            var table = FileBytes(data, raw[i].Type, raw[i].Offset, raw[i].Size);
            for (int at = 0; at + SymbolSize <= table.Length; at += SymbolSize)
            {
                var s = table[at..];
                symbols.Add(new ElfSymbol(ReadString(strings, Read32(s, 0), fileName, "symbol name"), Read32(s, 4), Read32(s, 8), s[12], BinaryPrimitives.ReadUInt16LittleEndian(s[14..])));
            }
        }

        return new ElfFile(memory, sections, symbols);
    }

    public ElfSection? Section(string name) => Sections.FirstOrDefault(s => s.Name == name);

    public ElfSymbol? Symbol(string name) =>
        Symbols.FirstOrDefault(s => s.Name == name && s.IsGlobal) ?? Symbols.FirstOrDefault(s => s.Name == name);

    /// <summary>Returns a section's bytes (empty for sections that occupy no file space).</summary>
    public ReadOnlySpan<byte> Contents(ElfSection section) => FileBytes(_data.Span, section.Type, section.Offset, section.Size);

    // Parse checked that every section with file space lies inside the file.
    private static ReadOnlySpan<byte> FileBytes(ReadOnlySpan<byte> data, uint type, uint offset, uint size) =>
        type is ElfSection.NoBits or 0 ? [] : data.Slice((int)offset, (int)size);

    private static uint Read32(ReadOnlySpan<byte> span, int at) => BinaryPrimitives.ReadUInt32LittleEndian(span[at..]);

    private static string ReadString(ReadOnlySpan<byte> table, uint offset, string fileName, string what)
    {
        if (offset >= (uint)table.Length)
        {
            if (offset == 0) return "";
            throw new DeviceException($"{fileName}: a {what} at string offset 0x{offset:X} lies past its string table ({table.Length} bytes).");
        }

        var rest = table[(int)offset..];
        int end = rest.IndexOf((byte)0);
        return Encoding.UTF8.GetString(end < 0 ? rest : rest[..end]);
    }
}
