using System.Buffers.Binary;

namespace Imprint.Formats.Elf;

/// <summary>Reads ELF fields of either class and byte order from the file's bytes.</summary>
internal readonly ref struct ElfFields(ReadOnlySpan<byte> file, bool is64, bool bigEndian)
{
    private readonly ReadOnlySpan<byte> _file = file;

    public bool Is64 { get; } = is64;

    public ushort U16(long offset) => bigEndian
        ? BinaryPrimitives.ReadUInt16BigEndian(_file.Slice((int)offset, 2))
        : BinaryPrimitives.ReadUInt16LittleEndian(_file.Slice((int)offset, 2));

    public uint U32(long offset) => bigEndian
        ? BinaryPrimitives.ReadUInt32BigEndian(_file.Slice((int)offset, 4))
        : BinaryPrimitives.ReadUInt32LittleEndian(_file.Slice((int)offset, 4));

    public ulong U64(long offset) => bigEndian
        ? BinaryPrimitives.ReadUInt64BigEndian(_file.Slice((int)offset, 8))
        : BinaryPrimitives.ReadUInt64LittleEndian(_file.Slice((int)offset, 8));

    /// <summary>Reads an address-sized field: 4 bytes in ELF32, 8 in ELF64.</summary>
    public ulong Word(long offset) => Is64 ? U64(offset) : U32(offset);
}
