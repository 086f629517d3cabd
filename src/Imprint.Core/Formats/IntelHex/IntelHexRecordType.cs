namespace Imprint.Formats.IntelHex;

/// <summary>The Intel HEX record types (the fourth byte of a record).</summary>
public static class IntelHexRecordType
{
    /// <summary>Data bytes at the current base plus the record's 16-bit offset.</summary>
    public const byte Data = 0x00;

    /// <summary>End of file; no data.</summary>
    public const byte EndOfFile = 0x01;

    /// <summary>Extended segment address: 2 bytes, a segment whose value times 16 is the base.</summary>
    public const byte ExtendedSegmentAddress = 0x02;

    /// <summary>Start segment address: 4 bytes, CS:IP of the entry point (CS × 16 + IP).</summary>
    public const byte StartSegmentAddress = 0x03;

    /// <summary>Extended linear address: 2 bytes, the upper 16 bits of the base.</summary>
    public const byte ExtendedLinearAddress = 0x04;

    /// <summary>Start linear address: 4 bytes, the 32-bit entry point.</summary>
    public const byte StartLinearAddress = 0x05;

    /// <summary>The end-of-file record as every tool writes it.</summary>
    public const string EndOfFileRecord = ":00000001FF";
}
