using Imprint.Formats;
using Imprint.Formats.IntelHex;
using static Imprint.Tests.Formats.IntelHex.HexText;

namespace Imprint.Tests.Formats.IntelHex;

public sealed class IntelHexReaderTests
{
    [Fact]
    public void Read_ValidFile_OneContiguousSegment()
    {
        var image = IntelHexReader.Read(Corpus.Bytes("IntelHex/valid.hex"), "valid.hex");

        image.SegmentCount.ShouldBe(1);
        image.Segments[0].Start.ShouldBe(0UL);
        image.Segments[0].Data.ToArray().ShouldBe(Enumerable.Range(0, 32).Select(i => (byte)i).ToArray());
        image.EntryPoint.ShouldBeNull();
    }

    [Fact]
    public void Read_LowerCaseAndCrLf_SameAsUpperCaseLf()
    {
        var original = Corpus.Bytes("IntelHex/valid.hex");
        var lower = Corpus.Ascii(System.Text.Encoding.ASCII.GetString(Corpus.WithCrLf(original)).ToLowerInvariant());

        var image = IntelHexReader.Read(lower, "lower.hex");

        image.Segments[0].Data.ToArray().ShouldBe(IntelHexReader.Read(original, "valid.hex").Segments[0].Data.ToArray());
    }

    [Fact]
    public void Read_ExtendedLinearAddress_PlacesDataAtUpperBase()
    {
        var image = IntelHexReader.Read(File(Linear(0x0800), Data(0xFFF8, 1, 2, 3, 4, 5, 6, 7, 8), Linear(0x0801), Data(0x0000, 9, 10), EndOfFile), "a.hex");

        image.SegmentCount.ShouldBe(1);
        image.Segments[0].Start.ShouldBe(0x0800FFF8UL);
        image.Segments[0].Data.ToArray().ShouldBe(new byte[] { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 });
    }

    [Fact]
    public void Read_LinearRecordCrossing64KiB_ContinuesLinearly()
    {
        var image = IntelHexReader.Read(File(Linear(0x0001), Data(0xFFFE, 1, 2, 3, 4), EndOfFile), "a.hex");

        image.Segments[0].Start.ShouldBe(0x1FFFEUL);
        image.Segments[0].Length.ShouldBe(4);
    }

    [Fact]
    public void Read_ExtendedSegmentAddress_WrapsInsideTheSegment()
    {
        var image = IntelHexReader.Read(File(Segment(0x1000), Data(0xFFFE, 1, 2, 3, 4), EndOfFile), "a.hex");

        image.SegmentCount.ShouldBe(2);
        image.Segments[0].Start.ShouldBe(0x10000UL);
        image.Segments[0].Data.ToArray().ShouldBe(new byte[] { 3, 4 });
        image.Segments[1].Start.ShouldBe(0x1FFFEUL);
        image.Segments[1].Data.ToArray().ShouldBe(new byte[] { 1, 2 });
    }

    [Fact]
    public void Read_StartSegmentAddress_EntryIsCsTimes16PlusIp()
    {
        var image = IntelHexReader.Read(File(Data(0, 1), Record(3, 0, 0x12, 0x34, 0x56, 0x78), EndOfFile), "a.hex");

        image.EntryPoint.ShouldBe(0x12340UL + 0x5678UL);
    }

    [Fact]
    public void Read_StartLinearAddress_SetsEntryPoint()
    {
        var image = IntelHexReader.Read(File(Data(0, 1), Record(5, 0, 0x08, 0x00, 0x01, 0x23), EndOfFile), "a.hex");

        image.EntryPoint.ShouldBe(0x08000123UL);
    }

    [Fact]
    public void Read_RecordsOutOfOrderAndRepeated_SortedAndMerged()
    {
        var image = IntelHexReader.Read(File(Data(0x20, 5, 6), Data(0x10, 1, 2), Data(0x12, 3, 4), Data(0x10, 1, 2, 3), EndOfFile), "a.hex");

        image.SegmentCount.ShouldBe(2);
        image.Segments[0].Data.ToArray().ShouldBe(new byte[] { 1, 2, 3, 4 });
        image.Segments[1].Start.ShouldBe(0x20UL);
    }

    [Fact]
    public void Read_ManyDescendingRecords_ReadsThemAll()
    {
        // Each record lies just below the previous one: the collector must not merge quadratically.
        var lines = Enumerable.Range(0, 40_000).Select(i => (0x3FFFF - (i * 4)) & ~3)
            .Select(a => new[] { Linear((ushort)(a >> 16)), Data((ushort)a, (byte)a, (byte)(a >> 8), 0xAA, 0x55) })
            .SelectMany(x => x).Append(EndOfFile).ToArray();

        var image = IntelHexReader.Read(File(lines), "a.hex");

        image.SegmentCount.ShouldBe(1);
        image.TotalBytes.ShouldBe(160_000);
        image.Segments[0].Start.ShouldBe(0x3FFFCUL - (39_999UL * 4));
    }

    [Fact]
    public void Read_BlankLinesByteOrderMarkAndNoFinalNewline_Accepted()
    {
        var text = "\uFEFF\n" + Data(0, 1, 2) + "\r\n\r\n" + EndOfFile;

        var image = IntelHexReader.Read(System.Text.Encoding.UTF8.GetBytes(text), "a.hex");

        image.TotalBytes.ShouldBe(2);
    }

    [Fact]
    public void Read_BlankLines_CountInLineNumbers()
    {
        var text = "\n\n" + Data(0, 1, 2) + "\nzz\n";

        var ex = Should.Throw<FirmwareFormatException>(() => IntelHexReader.Read(Corpus.Ascii(text), "a.hex"));

        ex.Line.ShouldBe(4);
    }

    [Fact]
    public void Read_Stream_LineNumbersSurviveBufferBoundaries()
    {
        // About 3 MiB of records so the error sits far past the pump's first 1 MiB buffer.
        var lines = new List<string>();
        for (int i = 0; i < 70_000; i++)
        {
            if (i % 4096 == 0) lines.Add(Linear((ushort)(i >> 12)));
            lines.Add(Data((ushort)(i << 4), Enumerable.Repeat((byte)i, 16).ToArray()));
        }

        int badLine = lines.Count;
        lines.Add(Data(0, 1)[..^2] + "00");
        lines.Add(EndOfFile);
        using var stream = new MemoryStream(File([.. lines]));

        var ex = Should.Throw<FirmwareFormatException>(() => IntelHexReader.Read(stream, "big.hex"));

        ex.Line.ShouldBe(badLine + 1);
        ex.Message.ShouldStartWith($"big.hex line {badLine + 1}: checksum is 0x00");
    }

    [Fact]
    public void Read_Stream_SameImageAsSpan()
    {
        var content = Corpus.Bytes("IntelHex/valid.hex");
        using var stream = new MemoryStream(content);

        IntelHexReader.Read(stream, "a.hex").Segments[0].Data.ToArray()
            .ShouldBe(IntelHexReader.Read(content, "a.hex").Segments[0].Data.ToArray());
    }

    [Fact]
    public void Read_HugeSingleLine_ReportedWithoutExhaustingTheStack()
    {
        var content = Corpus.Ascii(":10" + new string('A', 8_000_000));
        using var stream = new MemoryStream(content);

        Should.Throw<FirmwareFormatException>(() => IntelHexReader.Read(stream, "huge.hex")).Message
            .ShouldBe("huge.hex line 1: the record is longer than its length field says: 16 data bytes declared, 3999996 present.");
    }

    // The malformed corpus: one test per failure mode, asserting the whole message.
    [Fact]
    public void Read_BadChecksum_ReportsLineAndBothValues() =>
        AssertError("bad-checksum.hex", "bad-checksum.hex line 3: checksum is 0x3C but the record's bytes give 0x58.", line: 3);

    [Fact]
    public void Read_TruncatedRecord_ReportsDeclaredAndPresentLength() =>
        AssertError("truncated-record.hex", "truncated-record.hex line 2: the record is truncated: its length field says 16 data bytes but it holds 15.", line: 2);

    [Fact]
    public void Read_TooShortRecord_ReportsDigitCount() =>
        AssertError("too-short-record.hex", "too-short-record.hex line 2: the record is truncated: it has 4 hex digits, and even an empty record needs 10.", line: 2);

    [Fact]
    public void Read_TooLongRecord_ReportsDeclaredAndPresentLength() =>
        AssertError("too-long-record.hex", "too-long-record.hex line 2: the record is longer than its length field says: 15 data bytes declared, 16 present.", line: 2);

    [Fact]
    public void Read_OddHexDigits_ReportsCount() =>
        AssertError("odd-digits.hex", "odd-digits.hex line 2: the record has an odd number of hex digits (43).", line: 2);

    [Fact]
    public void Read_NonHexCharacter_ReportsColumn() =>
        AssertError("non-hex.hex", "non-hex.hex line 2: 'G' at column 13 is not a hex digit.", line: 2);

    [Fact]
    public void Read_UnknownRecordType_ReportsType() =>
        AssertError("unknown-type.hex", "unknown-type.hex line 2: record type 0x06 is not an Intel HEX record type (00 to 05).", line: 2);

    [Fact]
    public void Read_MissingEndOfFile_ReportsFile() =>
        AssertError("missing-eof.hex", "missing-eof.hex: the file ends without an end-of-file record (:00000001FF).", line: null);

    [Fact]
    public void Read_AddressOverflow_ReportsAddress() =>
        AssertError("address-overflow.hex", "address-overflow.hex line 2: the record's 16 bytes at 0xFFFFFFF8 extend past the 4 GiB address space.", line: 2);

    [Fact]
    public void Read_RecordAfterEndOfFile_ReportsBothLines() =>
        AssertError("record-after-eof.hex", "record-after-eof.hex line 3: a record follows the end-of-file record of line 2.", line: 3);

    [Fact]
    public void Read_MissingColon_ReportsWhatWasFound() =>
        AssertError("missing-colon.hex", "missing-colon.hex line 2: expected ':' at the start of a record but found '1'.", line: 2);

    [Fact]
    public void Read_ExtendedLinearAddressWithWrongLength_ReportsLength() =>
        AssertError("bad-extended-linear.hex", "bad-extended-linear.hex line 1: an extended linear address record (type 04) must hold 2 data bytes, not 3.", line: 1);

    [Fact]
    public void Read_EndOfFileWithData_ReportsLength() =>
        AssertError("eof-with-data.hex", "eof-with-data.hex line 2: an end-of-file record must hold 0 data bytes, not 1.", line: 2);

    [Fact]
    public void Read_SameAddressDifferentBytes_ReportsRange() =>
        AssertError("conflicting-data.hex", "conflicting-data.hex: two records place different bytes at 0x00000008-0x0000000B.", line: null);

    [Fact]
    public void Read_EmptyFile_SaysEmpty() =>
        AssertError("empty.hex", "empty.hex: the file is empty (no Intel HEX records).", line: null);

    private static void AssertError(string file, string message, int? line)
    {
        var content = Corpus.Bytes("IntelHex/" + file);
        var fromSpan = Should.Throw<FirmwareFormatException>(() => IntelHexReader.Read(content, file));
        using var stream = new MemoryStream(content);
        var fromStream = Should.Throw<FirmwareFormatException>(() => IntelHexReader.Read(stream, file));

        fromSpan.Message.ShouldBe(message);
        fromStream.Message.ShouldBe(message);
        fromSpan.Line.ShouldBe(line);
        fromSpan.FileName.ShouldBe(file);
    }
}
