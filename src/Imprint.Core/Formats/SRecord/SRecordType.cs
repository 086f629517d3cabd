namespace Imprint.Formats.SRecord;

/// <summary>The Motorola S-record types (the digit after 'S') and their address widths.</summary>
public static class SRecordType
{
    /// <summary>Header: 16-bit address (0), free text as data.</summary>
    public const int Header = 0;

    /// <summary>Data with a 16-bit address.</summary>
    public const int Data16 = 1;

    /// <summary>Data with a 24-bit address.</summary>
    public const int Data24 = 2;

    /// <summary>Data with a 32-bit address.</summary>
    public const int Data32 = 3;

    /// <summary>Reserved; refused.</summary>
    public const int Reserved = 4;

    /// <summary>16-bit count of the data records before it.</summary>
    public const int Count16 = 5;

    /// <summary>24-bit count of the data records before it.</summary>
    public const int Count24 = 6;

    /// <summary>Termination with a 32-bit entry point (ends S3 files).</summary>
    public const int Start32 = 7;

    /// <summary>Termination with a 24-bit entry point (ends S2 files).</summary>
    public const int Start24 = 8;

    /// <summary>Termination with a 16-bit entry point (ends S1 files).</summary>
    public const int Start16 = 9;

    /// <summary>Returns the number of address bytes of record type <paramref name="type"/> (0 to 9).</summary>
    /// <param name="type">The record type.</param>
    /// <returns>2, 3 or 4.</returns>
    public static int AddressLength(int type) => type switch
    {
        Header or Data16 or Count16 or Start16 => 2,
        Data24 or Count24 or Start24 => 3,
        Data32 or Start32 => 4,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "S4 and types past S9 have no address."),
    };
}
