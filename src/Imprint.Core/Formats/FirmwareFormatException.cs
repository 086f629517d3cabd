namespace Imprint.Formats;

/// <summary>
/// A firmware file is malformed: its message names the file, the line (text formats) or byte
/// offset (binary formats) and what is wrong, for example
/// <c>app.hex line 12: checksum is 0x3C but the record's bytes give 0x3D.</c>
/// </summary>
public sealed class FirmwareFormatException : ImprintException
{
    /// <summary>Initializes a new instance.</summary>
    /// <param name="fileName">The file's name as the user gave it.</param>
    /// <param name="line">The 1-based line of a text format, or <see langword="null"/>.</param>
    /// <param name="offset">The byte offset in a binary format, or <see langword="null"/>.</param>
    /// <param name="problem">What is wrong: a sentence without the location prefix, ending with a period.</param>
    public FirmwareFormatException(string fileName, int? line, long? offset, string problem)
        : base(Compose(fileName, line, offset, problem))
    {
        FileName = fileName;
        Line = line;
        Offset = offset;
        Problem = problem;
    }

    /// <summary>Gets the file's name as the user gave it.</summary>
    public string FileName { get; }

    /// <summary>Gets the 1-based line of the faulty record in a text format, when known.</summary>
    public int? Line { get; }

    /// <summary>Gets the byte offset of the fault in a binary format, when known.</summary>
    public long? Offset { get; }

    /// <summary>Gets what is wrong, without the file and location prefix.</summary>
    public string Problem { get; }

    private static string Compose(string fileName, int? line, long? offset, string problem)
    {
        ArgumentNullException.ThrowIfNull(fileName);
        ArgumentNullException.ThrowIfNull(problem);
        if (line is { } l) return $"{fileName} line {l}: {problem}";
        if (offset is { } o) return $"{fileName} offset 0x{o:X}: {problem}";
        return $"{fileName}: {problem}";
    }
}
