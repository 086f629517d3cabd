namespace Imprint.Formats.Elf;

/// <summary>The ELF header, program header and section header values the reader uses.</summary>
public static class ElfConstants
{
    /// <summary>The four magic bytes every ELF file starts with.</summary>
    public static ReadOnlySpan<byte> Magic => [0x7F, (byte)'E', (byte)'L', (byte)'F'];

    /// <summary>e_ident[EI_CLASS] of a 32-bit file.</summary>
    public const byte Class32 = 1;

    /// <summary>e_ident[EI_CLASS] of a 64-bit file.</summary>
    public const byte Class64 = 2;

    /// <summary>e_ident[EI_DATA] of a little-endian file.</summary>
    public const byte DataLittleEndian = 1;

    /// <summary>e_ident[EI_DATA] of a big-endian file.</summary>
    public const byte DataBigEndian = 2;

    /// <summary>The only defined ELF version.</summary>
    public const byte CurrentVersion = 1;

    /// <summary>Offset of EI_CLASS in e_ident.</summary>
    public const int ClassOffset = 4;

    /// <summary>Offset of EI_DATA in e_ident.</summary>
    public const int DataOffset = 5;

    /// <summary>Offset of EI_VERSION in e_ident.</summary>
    public const int VersionOffset = 6;

    /// <summary>Size of the ELF32 file header.</summary>
    public const int Header32Size = 52;

    /// <summary>Size of the ELF64 file header.</summary>
    public const int Header64Size = 64;

    /// <summary>Size of an ELF32 program header.</summary>
    public const int ProgramHeader32Size = 32;

    /// <summary>Size of an ELF64 program header.</summary>
    public const int ProgramHeader64Size = 56;

    /// <summary>Size of an ELF32 section header.</summary>
    public const int SectionHeader32Size = 40;

    /// <summary>Size of an ELF64 section header.</summary>
    public const int SectionHeader64Size = 64;

    /// <summary>p_type of a loadable segment.</summary>
    public const uint PtLoad = 1;

    /// <summary>sh_type of a section that occupies no file space (.bss).</summary>
    public const uint ShtNoBits = 8;

    /// <summary>sh_flags bit: the section occupies memory at run time.</summary>
    public const ulong ShfAlloc = 0x2;

    /// <summary>sh_flags bit: thread-local storage (a .tbss template takes no room in its segment).</summary>
    public const ulong ShfTls = 0x400;

    /// <summary>e_phnum value meaning the real count is in section header 0's sh_info.</summary>
    public const int PnXNum = 0xFFFF;
}
