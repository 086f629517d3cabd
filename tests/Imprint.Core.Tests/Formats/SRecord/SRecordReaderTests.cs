using Imprint.Formats;
using Imprint.Formats.SRecord;
using static Imprint.Tests.Formats.SRecord.SRecText;

namespace Imprint.Tests.Formats.SRecord;

public sealed class SRecordReaderTests
{
    [Fact]
    public void Read_ValidFile_DataAndEntryPoint()
    {
        var image = SRecordReader.Read(Corpus.Bytes("SRecord/valid.srec"), "valid.srec");

        image.SegmentCount.ShouldBe(1);
        image.Segments[0].Start.ShouldBe(0x1000UL);
        image.Segments[0].Data.ToArray().ShouldBe(Enumerable.Range(0, 32).Select(i => (byte)i).ToArray());
        image.EntryPoint.ShouldBe(0x1000UL);
    }

    [Fact]
    public void Read_S2AndS3Records_UseTheirAddressWidths()
    {
        var image = SRecordReader.Read(File(Record(2, 0x123456, 1, 2), Record(3, 0x08000000, 3, 4), Record(7, 0x08000000)), "a.srec");

        image.Segments.Select(s => s.Start).ShouldBe(new ulong[] { 0x123456, 0x08000000 });
        image.EntryPoint.ShouldBe(0x08000000UL);
    }

    [Fact]
    public void Read_S6Count_Checked()
    {
        var image = SRecordReader.Read(File(Record(2, 0x10000, 1), Record(2, 0x10001, 2), Record(6, 2), Record(8, 0x10000)), "a.srec");

        image.TotalBytes.ShouldBe(2);
    }

    [Fact]
    public void Read_LowerCaseHexAndCrLf_Accepted()
    {
        var text = System.Text.Encoding.ASCII.GetString(Corpus.WithCrLf(Corpus.Bytes("SRecord/valid.srec")));
        var lower = string.Concat(text.Split("\r\n").Select(l => l.Length > 2 ? l[..2] + l[2..].ToLowerInvariant() : l).Select(l => l + "\r\n"));

        var image = SRecordReader.Read(Corpus.Ascii(lower.TrimEnd()), "lower.srec");

        image.TotalBytes.ShouldBe(32);
    }

    [Fact]
    public void Read_Stream_SameImageAsSpan()
    {
        var content = Corpus.Bytes("SRecord/valid.srec");
        using var stream = new MemoryStream(content);

        SRecordReader.Read(stream, "a.srec").Segments[0].Data.ToArray()
            .ShouldBe(SRecordReader.Read(content, "a.srec").Segments[0].Data.ToArray());
    }

    [Fact]
    public void Read_HugeSingleLine_ReportedWithoutExhaustingTheStack()
    {
        var content = Corpus.Ascii("S113" + new string('A', 8_000_000));
        using var stream = new MemoryStream(content);

        Should.Throw<FirmwareFormatException>(() => SRecordReader.Read(stream, "huge.srec")).Message
            .ShouldBe("huge.srec line 1: the record is longer than its count field says: 19 bytes declared, 4000000 present.");
    }

    [Fact]
    public void Read_BadChecksum_ReportsLineAndBothValues() =>
        AssertError("bad-checksum.srec", "bad-checksum.srec line 3: checksum is 0x3C but the record's bytes give 0x54.", line: 3);

    [Fact]
    public void Read_TruncatedRecord_ReportsCountAndPresentBytes() =>
        AssertError("truncated-record.srec", "truncated-record.srec line 3: the record is truncated: its count field says 19 bytes follow but 18 do.", line: 3);

    [Fact]
    public void Read_OddHexDigits_ReportsCount() =>
        AssertError("odd-digits.srec", "odd-digits.srec line 2: the record has an odd number of hex digits (41).", line: 2);

    [Fact]
    public void Read_NonHexCharacter_ReportsColumn() =>
        AssertError("non-hex.srec", "non-hex.srec line 3: 'Z' at column 11 is not a hex digit.", line: 3);

    [Fact]
    public void Read_ReservedS4_Refused() =>
        AssertError("reserved-type.srec", "reserved-type.srec line 3: record type S4 is reserved and not supported.", line: 3);

    [Fact]
    public void Read_UnknownType_ReportsCharacter() =>
        AssertError("unknown-type.srec", "unknown-type.srec line 3: 'X' after 'S' is not an S-record type (S0 to S9).", line: 3);

    [Fact]
    public void Read_MissingTermination_AcceptedWithoutEntryPoint()
    {
        // srec_cat writes no S7/S8/S9 when it has no start address, so its absence is not an error.
        var image = SRecordReader.Read(Corpus.Bytes("SRecord/no-termination.srec"), "a.srec");

        image.TotalBytes.ShouldBe(32);
        image.EntryPoint.ShouldBeNull();
    }

    [Fact]
    public void Read_S5CountMismatch_ReportsBothCounts() =>
        AssertError("count-mismatch.srec", "count-mismatch.srec line 4: the S5 count record says 3 data records but 2 precede it.", line: 4);

    [Fact]
    public void Read_S6CountMismatch_ReportsBothCounts() =>
        AssertError("count-mismatch-s6.srec", "count-mismatch-s6.srec line 3: the S6 count record says 2 data records but 1 precede it.", line: 3);

    [Fact]
    public void Read_AddressOverflow_ReportsAddress() =>
        AssertError("address-overflow.srec", "address-overflow.srec line 2: the record's 16 bytes at 0xFFFFFFF8 extend past the 4 GiB address space.", line: 2);

    [Fact]
    public void Read_CountTooSmall_ReportsMinimum() =>
        AssertError("count-too-small.srec", "count-too-small.srec line 3: the count field 0x02 is too small for an S1 record (2 address bytes and a checksum need 3).", line: 3);

    [Fact]
    public void Read_RecordAfterTermination_ReportsBothLines() =>
        AssertError("record-after-termination.srec", "record-after-termination.srec line 4: a record follows the termination record of line 3.", line: 4);

    [Fact]
    public void Read_TerminationWithData_Refused() =>
        AssertError("termination-with-data.srec", "termination-with-data.srec line 3: an S9 record holds no data bytes, but this one has 1.", line: 3);

    [Fact]
    public void Read_MissingS_ReportsWhatWasFound() =>
        AssertError("missing-s.srec", "missing-s.srec line 2: expected 'S' at the start of a record but found '1'.", line: 2);

    [Fact]
    public void Read_EmptyFile_SaysEmpty() =>
        AssertError("empty.srec", "empty.srec: the file is empty (no S-records).", line: null);

    private static void AssertError(string file, string message, int? line)
    {
        var content = Corpus.Bytes("SRecord/" + file);
        var fromSpan = Should.Throw<FirmwareFormatException>(() => SRecordReader.Read(content, file));
        using var stream = new MemoryStream(content);
        var fromStream = Should.Throw<FirmwareFormatException>(() => SRecordReader.Read(stream, file));

        fromSpan.Message.ShouldBe(message);
        fromStream.Message.ShouldBe(message);
        fromSpan.Line.ShouldBe(line);
    }
}
