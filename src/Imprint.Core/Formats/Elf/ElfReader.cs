using Imprint.Formats.Internal;
using Imprint.Memory;
using static Imprint.Formats.Elf.ElfConstants;

namespace Imprint.Formats.Elf;

/// <summary>
/// Reads the loadable contents of an ELF32 or ELF64 file, little- or big-endian, as a flash
/// programmer (and <c>objcopy -O binary</c>) sees them: each PT_LOAD segment's
/// <c>p_filesz</c> bytes at its physical address <c>p_paddr</c>; bytes a NOBITS section
/// covers are never loaded; when every PT_LOAD has <c>p_paddr</c> 0 and there are several,
/// the virtual addresses are used instead (linkers that leave physical addresses unset).
/// </summary>
public static class ElfReader
{
    /// <summary>Reads an ELF file held in memory.</summary>
    /// <param name="content">The file's bytes.</param>
    /// <param name="sourceName">The file's name for error messages and the image's source tags.</param>
    /// <returns>The image, with <c>e_entry</c> as its entry point.</returns>
    /// <exception cref="FirmwareFormatException">The file is not a well-formed ELF file or has nothing to load.</exception>
    public static MemoryImage Read(ReadOnlySpan<byte> content, string sourceName)
    {
        ArgumentNullException.ThrowIfNull(sourceName);
        var elf = OpenHeader(content, sourceName);
        var segments = ReadProgramHeaders(content, elf, sourceName);
        var noBits = ReadNoBitsSections(content, elf, sourceName);

        // Linkers for hosted systems leave p_paddr 0; then only p_vaddr says where bytes go.
        int loads = 0;
        bool allPhysicalZero = true;
        foreach (var s in segments)
        {
            loads++;
            allPhysicalZero &= s.PhysicalAddress == 0;
        }

        bool useVirtual = loads > 1 && allPhysicalZero;
        var collector = new SegmentCollector(sourceName);
        foreach (var s in segments)
        {
            if (s.FileSize == 0) continue;
            ulong loadAddress = useVirtual ? s.VirtualAddress : s.PhysicalAddress;
            if (loadAddress + s.FileSize > MemoryImage.AddressSpaceEnd || loadAddress + s.FileSize < loadAddress)
            {
                throw new FirmwareFormatException(sourceName, null, s.HeaderOffset,
                    $"PT_LOAD segment {s.Index} at 0x{loadAddress:X8} with 0x{s.FileSize:X} bytes extends past the 4 GiB address space.");
            }

            var bytes = content.Slice((int)s.FileOffset, (int)s.FileSize);
            ulong cursor = 0;
            foreach (var (from, to) in NoBitsWithin(noBits, s))
            {
                if (from > cursor) collector.Add(loadAddress + cursor, bytes[(int)cursor..(int)from]);
                cursor = Math.Max(cursor, to);
            }

            if (cursor < s.FileSize) collector.Add(loadAddress + cursor, bytes[(int)cursor..]);
        }

        var image = collector.ToImage(elf.Entry);
        if (image.IsEmpty)
        {
            throw new FirmwareFormatException(sourceName, null, null, "the ELF file has no loadable (PT_LOAD) segment with file data.");
        }

        return image;
    }

    private static ElfHeader OpenHeader(ReadOnlySpan<byte> content, string source)
    {
        if (content.IsEmpty) throw new FirmwareFormatException(source, null, null, "the file is empty.");
        if (!content.StartsWith(Magic)) throw new FirmwareFormatException(source, null, null, "the file does not start with the ELF magic bytes 7F 45 4C 46.");
        if (content.Length < 16) throw new FirmwareFormatException(source, null, null, $"the file ends after {content.Length} bytes, inside the ELF identification.");

        byte elfClass = content[ClassOffset], data = content[DataOffset];
        if (elfClass is not (Class32 or Class64))
        {
            throw new FirmwareFormatException(source, null, ClassOffset, $"EI_CLASS is {elfClass}; expected 1 (ELF32) or 2 (ELF64).");
        }

        if (data is not (DataLittleEndian or DataBigEndian))
        {
            throw new FirmwareFormatException(source, null, DataOffset, $"EI_DATA is {data}; expected 1 (little-endian) or 2 (big-endian).");
        }

        if (content[VersionOffset] != CurrentVersion)
        {
            throw new FirmwareFormatException(source, null, VersionOffset, $"EI_VERSION is {content[VersionOffset]}; expected 1.");
        }

        bool is64 = elfClass == Class64;
        int headerSize = is64 ? Header64Size : Header32Size;
        if (content.Length < headerSize)
        {
            throw new FirmwareFormatException(source, null, null,
                $"the file ends after {content.Length} bytes, inside the {(is64 ? "ELF64" : "ELF32")} header ({headerSize} bytes).");
        }

        var f = new ElfFields(content, is64, data == DataBigEndian);
        var header = is64
            ? new ElfHeader(is64, data == DataBigEndian, f.U64(24), f.U64(32), f.U16(54), f.U16(56), f.U64(40), f.U16(58), f.U16(60))
            : new ElfHeader(is64, data == DataBigEndian, f.U32(24), f.U32(28), f.U16(42), f.U16(44), f.U32(32), f.U16(46), f.U16(48));
        if (header.Entry > uint.MaxValue)
        {
            throw new FirmwareFormatException(source, null, 24, $"the entry point 0x{header.Entry:X} is beyond the 32-bit address space.");
        }

        return header;
    }

    private static List<LoadSegment> ReadProgramHeaders(ReadOnlySpan<byte> content, ElfHeader elf, string source)
    {
        var f = new ElfFields(content, elf.Is64, elf.BigEndian);
        int expectedSize = elf.Is64 ? ProgramHeader64Size : ProgramHeader32Size;
        long count = elf.ProgramHeaderCount;
        if (count == PnXNum)
        {
            // Extended numbering: the real count is sh_info of section header 0.
            var table = SectionTable(content, elf, source);
            count = table.Count > 0 ? f.U32(table.Offset + 28 + (elf.Is64 ? 16 : 0)) : 0;
        }

        if (count == 0) throw new FirmwareFormatException(source, null, null, "the ELF file has no program headers, so nothing is loadable.");
        if (elf.ProgramHeaderSize != expectedSize)
        {
            throw new FirmwareFormatException(source, null, elf.Is64 ? 54 : 42,
                $"e_phentsize is {elf.ProgramHeaderSize}; {(elf.Is64 ? "ELF64" : "ELF32")} program headers are {expectedSize} bytes.");
        }

        CheckTable(content, elf.ProgramHeaderOffset, count, expectedSize, "program header table", source);
        var result = new List<LoadSegment>();
        for (int i = 0; i < count; i++)
        {
            long h = (long)elf.ProgramHeaderOffset + ((long)i * expectedSize);
            if (f.U32(h) != PtLoad) continue;
            var s = elf.Is64
                ? new LoadSegment(i, h, f.U64(h + 8), f.U64(h + 16), f.U64(h + 24), f.U64(h + 32), f.U64(h + 40))
                : new LoadSegment(i, h, f.U32(h + 4), f.U32(h + 8), f.U32(h + 12), f.U32(h + 16), f.U32(h + 20));
            if (s.FileSize > s.MemorySize)
            {
                throw new FirmwareFormatException(source, null, h,
                    $"PT_LOAD segment {i} has p_filesz 0x{s.FileSize:X} larger than its p_memsz 0x{s.MemorySize:X}.");
            }

            if (s.FileSize > 0 && (s.FileOffset > (ulong)content.Length || s.FileSize > (ulong)content.Length - s.FileOffset))
            {
                throw new FirmwareFormatException(source, null, h,
                    $"PT_LOAD segment {i} holds 0x{s.FileSize:X} bytes at file offset 0x{s.FileOffset:X}, beyond the end of the file (0x{content.Length:X} bytes).");
            }

            result.Add(s);
        }

        return result;
    }

    private static List<(ulong Address, ulong Size)> ReadNoBitsSections(ReadOnlySpan<byte> content, ElfHeader elf, string source)
    {
        var result = new List<(ulong, ulong)>();
        var table = SectionTable(content, elf, source);
        var f = new ElfFields(content, elf.Is64, elf.BigEndian);
        for (long i = 0; i < table.Count; i++)
        {
            long h = table.Offset + (i * table.EntrySize);
            uint type = f.U32(h + 4);
            ulong flags = elf.Is64 ? f.U64(h + 8) : f.U32(h + 8);
            if (type != ShtNoBits || (flags & ShfAlloc) == 0 || (flags & ShfTls) != 0) continue;
            ulong address = elf.Is64 ? f.U64(h + 16) : f.U32(h + 12);
            ulong size = elf.Is64 ? f.U64(h + 32) : f.U32(h + 20);
            if (size > 0) result.Add((address, size));
        }

        return result;
    }

    private static (long Offset, long Count, int EntrySize) SectionTable(ReadOnlySpan<byte> content, ElfHeader elf, string source)
    {
        if (elf.SectionHeaderOffset == 0) return (0, 0, 0);
        int expectedSize = elf.Is64 ? SectionHeader64Size : SectionHeader32Size;
        if (elf.SectionHeaderSize != expectedSize)
        {
            throw new FirmwareFormatException(source, null, elf.Is64 ? 58 : 46,
                $"e_shentsize is {elf.SectionHeaderSize}; {(elf.Is64 ? "ELF64" : "ELF32")} section headers are {expectedSize} bytes.");
        }

        CheckTable(content, elf.SectionHeaderOffset, 1, expectedSize, "section header table", source);
        long count = elf.SectionHeaderCount;
        if (count == 0)
        {
            // Extended numbering: the real count is sh_size of section header 0.
            var f = new ElfFields(content, elf.Is64, elf.BigEndian);
            ulong extended = f.Word((long)elf.SectionHeaderOffset + (elf.Is64 ? 32 : 20));
            count = (long)Math.Min(extended, (ulong)int.MaxValue);
        }

        CheckTable(content, elf.SectionHeaderOffset, count, expectedSize, "section header table", source);
        return ((long)elf.SectionHeaderOffset, count, expectedSize);
    }

    private static void CheckTable(ReadOnlySpan<byte> content, ulong offset, long count, int entrySize, string what, string source)
    {
        ulong length = (ulong)content.Length;
        if (offset > length || (ulong)count > (length - offset) / (ulong)entrySize)
        {
            throw new FirmwareFormatException(source, null, (long)Math.Min(offset, long.MaxValue),
                $"the {what} ({count} entries of {entrySize} bytes) extends beyond the end of the file (0x{content.Length:X} bytes).");
        }
    }

    // The parts of the segment's file bytes that NOBITS sections cover, as sorted offsets into the segment.
    private static List<(ulong From, ulong To)> NoBitsWithin(List<(ulong Address, ulong Size)> noBits, LoadSegment s)
    {
        var result = new List<(ulong, ulong)>();
        ulong start = s.VirtualAddress, end = SaturatingAdd(s.VirtualAddress, s.FileSize);
        foreach (var (address, size) in noBits)
        {
            ulong from = Math.Max(address, start), to = Math.Min(SaturatingAdd(address, size), end);
            if (from < to) result.Add((from - start, to - start));
        }

        result.Sort();
        return result;
    }

    private static ulong SaturatingAdd(ulong a, ulong b) => a + b < a ? ulong.MaxValue : a + b;

    private sealed record ElfHeader(
        bool Is64,
        bool BigEndian,
        ulong Entry,
        ulong ProgramHeaderOffset,
        int ProgramHeaderSize,
        int ProgramHeaderCount,
        ulong SectionHeaderOffset,
        int SectionHeaderSize,
        int SectionHeaderCount);

    private sealed record LoadSegment(
        int Index,
        long HeaderOffset,
        ulong FileOffset,
        ulong VirtualAddress,
        ulong PhysicalAddress,
        ulong FileSize,
        ulong MemorySize);
}
