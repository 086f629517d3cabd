namespace Imprint.Formats;

/// <summary>How the writers lay out their output.</summary>
public sealed record FirmwareWriteOptions
{
    /// <summary>The largest data-record payload Intel HEX can hold.</summary>
    public const int MaxIntelHexBytesPerRecord = 255;

    /// <summary>The largest data-record payload an S3 record can hold (count byte 255 = 4 address + data + 1 checksum).</summary>
    public const int MaxSRecordBytesPerRecord = 250;

    /// <summary>Gets the default options.</summary>
    public static FirmwareWriteOptions Default { get; } = new();

    /// <summary>Gets the number of data bytes per Intel HEX or S-record data record.</summary>
    /// <value>The default is 16, as <c>objcopy</c> writes.</value>
    public int BytesPerRecord { get; init; } = 16;

    /// <summary>Gets the byte a binary output uses for the gaps between segments.</summary>
    /// <value>The default is 0xFF, the erased value of most flash.</value>
    public byte Fill { get; init; } = 0xFF;

    /// <summary>Gets the line end of Intel HEX and S-record output.</summary>
    /// <value>The default is <see cref="FirmwareLineEnding.CrLf"/>, as objcopy writes.</value>
    public FirmwareLineEnding LineEnding { get; init; } = FirmwareLineEnding.CrLf;

    /// <summary>Gets the text of the S-record header (S0) record.</summary>
    /// <value>The default is <see langword="null"/>: the output file's name when writing to a path, otherwise empty.</value>
    public string? SRecordHeader { get; init; }

    internal void Validate(FirmwareFormat format)
    {
        int max = format == FirmwareFormat.SRecord ? MaxSRecordBytesPerRecord : MaxIntelHexBytesPerRecord;
        if (BytesPerRecord < 1 || BytesPerRecord > max)
        {
            throw new ArgumentOutOfRangeException(nameof(BytesPerRecord), BytesPerRecord, $"{format} records hold 1 to {max} data bytes.");
        }
    }
}
