using System.Buffers.Binary;

namespace Imprint.Tests.Formats.Elf;

/// <summary>
/// Writes small ELF files of either class and byte order with chosen program and section
/// headers, for the reader's edge cases that no toolchain produces on demand. Layout: file
/// header, program headers, each segment's bytes (4-byte aligned), section headers.
/// </summary>
internal sealed class ElfBuilder(bool is64 = false, bool bigEndian = false)
{
    public const uint PtLoad = 1;
    public const uint PtNote = 4;
    public const uint ShtProgBits = 1;
    public const uint ShtNoBits = 8;
    public const ulong ShfAlloc = 2;
    public const ulong ShfTls = 0x400;

    public ulong Entry { get; set; }

    public List<Segment> Segments { get; } = [];

    public List<Section> Sections { get; } = [];

    public int HeaderSize => is64 ? 64 : 52;

    public int ProgramHeaderSize => is64 ? 56 : 32;

    /// <summary>Gets the file offset of each segment's bytes after <see cref="Build"/>.</summary>
    public List<long> SegmentOffsets { get; } = [];

    public ElfBuilder Load(ulong virtualAddress, ulong physicalAddress, byte[] data, ulong? memorySize = null)
    {
        Segments.Add(new Segment(PtLoad, virtualAddress, physicalAddress, data, memorySize ?? (ulong)data.Length));
        return this;
    }

    public ElfBuilder NoBits(ulong address, ulong size, ulong flags = ShfAlloc)
    {
        Sections.Add(new Section(ShtNoBits, flags, address, size));
        return this;
    }

    public byte[] Build()
    {
        var file = new List<byte>();
        file.AddRange(new byte[HeaderSize + (Segments.Count * ProgramHeaderSize)]);
        SegmentOffsets.Clear();
        foreach (var s in Segments)
        {
            while (file.Count % 4 != 0) file.Add(0);
            SegmentOffsets.Add(file.Count);
            file.AddRange(s.Data);
        }

        while (file.Count % 8 != 0) file.Add(0);
        long shoff = Sections.Count > 0 ? file.Count : 0;
        int shentsize = is64 ? 64 : 40;
        if (Sections.Count > 0) file.AddRange(new byte[(Sections.Count + 1) * shentsize]);

        var bytes = file.ToArray();
        bytes[0] = 0x7F; bytes[1] = (byte)'E'; bytes[2] = (byte)'L'; bytes[3] = (byte)'F';
        bytes[4] = (byte)(is64 ? 2 : 1);
        bytes[5] = (byte)(bigEndian ? 2 : 1);
        bytes[6] = 1;
        Put16(bytes, 16, 2); // ET_EXEC
        Put16(bytes, 18, 40); // EM_ARM (any machine will do)
        Put32(bytes, 20, 1);
        if (is64)
        {
            Put64(bytes, 24, Entry);
            Put64(bytes, 32, (ulong)HeaderSize);
            Put64(bytes, 40, (ulong)shoff);
            Put16(bytes, 52, 64);
            Put16(bytes, 54, 56);
            Put16(bytes, 56, (ushort)Segments.Count);
            Put16(bytes, 58, 64);
            Put16(bytes, 60, (ushort)(Sections.Count > 0 ? Sections.Count + 1 : 0));
        }
        else
        {
            Put32(bytes, 24, (uint)Entry);
            Put32(bytes, 28, (uint)HeaderSize);
            Put32(bytes, 32, (uint)shoff);
            Put16(bytes, 40, 52);
            Put16(bytes, 42, 32);
            Put16(bytes, 44, (ushort)Segments.Count);
            Put16(bytes, 46, 40);
            Put16(bytes, 48, (ushort)(Sections.Count > 0 ? Sections.Count + 1 : 0));
        }

        for (int i = 0; i < Segments.Count; i++)
        {
            var s = Segments[i];
            int h = HeaderSize + (i * ProgramHeaderSize);
            Put32(bytes, h, s.Type);
            if (is64)
            {
                Put64(bytes, h + 8, (ulong)SegmentOffsets[i]);
                Put64(bytes, h + 16, s.VirtualAddress);
                Put64(bytes, h + 24, s.PhysicalAddress);
                Put64(bytes, h + 32, (ulong)s.Data.Length);
                Put64(bytes, h + 40, s.MemorySize);
            }
            else
            {
                Put32(bytes, h + 4, (uint)SegmentOffsets[i]);
                Put32(bytes, h + 8, (uint)s.VirtualAddress);
                Put32(bytes, h + 12, (uint)s.PhysicalAddress);
                Put32(bytes, h + 16, (uint)s.Data.Length);
                Put32(bytes, h + 20, (uint)s.MemorySize);
            }
        }

        for (int i = 0; i < Sections.Count; i++)
        {
            var s = Sections[i];
            int h = (int)shoff + ((i + 1) * shentsize);
            Put32(bytes, h + 4, s.Type);
            if (is64)
            {
                Put64(bytes, h + 8, s.Flags);
                Put64(bytes, h + 16, s.Address);
                Put64(bytes, h + 32, s.Size);
            }
            else
            {
                Put32(bytes, h + 8, (uint)s.Flags);
                Put32(bytes, h + 12, (uint)s.Address);
                Put32(bytes, h + 20, (uint)s.Size);
            }
        }

        return bytes;
    }

    public void Put16(byte[] b, int at, ushort v)
    {
        if (bigEndian) BinaryPrimitives.WriteUInt16BigEndian(b.AsSpan(at), v);
        else BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(at), v);
    }

    public void Put32(byte[] b, int at, uint v)
    {
        if (bigEndian) BinaryPrimitives.WriteUInt32BigEndian(b.AsSpan(at), v);
        else BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(at), v);
    }

    public void Put64(byte[] b, int at, ulong v)
    {
        if (bigEndian) BinaryPrimitives.WriteUInt64BigEndian(b.AsSpan(at), v);
        else BinaryPrimitives.WriteUInt64LittleEndian(b.AsSpan(at), v);
    }

    public sealed record Segment(uint Type, ulong VirtualAddress, ulong PhysicalAddress, byte[] Data, ulong MemorySize);

    public sealed record Section(uint Type, ulong Flags, ulong Address, ulong Size);
}
