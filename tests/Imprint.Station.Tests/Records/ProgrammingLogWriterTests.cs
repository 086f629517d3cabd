using System.Text.Json;
using Imprint.Station.Records;

namespace Imprint.Tests.Records;

public sealed class ProgrammingLogWriterTests
{
    private static readonly ProgrammingRecord Failed = new()
    {
        Id = "01JDX0000000000000000000AA",
        ImageId = "0123456789abcdef0123456789abcdef",
        ImageName = "blinky, \"rev B\"",
        ImageCrc = 0x1A2B3C4D,
        StationId = "st-1",
        Target = "gdb://127.0.0.1:3333",
        StartedAt = new DateTimeOffset(2026, 3, 1, 8, 0, 0, TimeSpan.Zero),
        DurationMs = 12.5,
        Result = UnitResult.Fail,
        FailureStep = "4:verify read-back",
        FailureMessage = "verify: the byte at 0x00001234 reads 0x00, expected 0xFF.",
        FailureAddress = 0x1234,
        Serials = [new SerialIssue("sn", "main", 4, 1004, "EC030000")],
        Data = new Dictionary<string, string> { ["uid"] = "0011223344556677" },
        Tests = [new TestResult("selftest", 0x2A, 0, false, 3)],
        Dynamic = new Dictionary<string, string> { ["mac"] = "020000ABCDEF" },
        Steps = [new StepRecord(1, "program", 5, StepOutcome.Ok), new StepRecord(2, "verify read-back", 2.25, StepOutcome.Failed, "x")],
    };

    [Fact]
    public void CsvRow_QuotesFieldsWithCommasAndQuotes_AndFlattensLists()
    {
        ProgrammingLogWriter.ToCsvRow(Failed).ShouldBe(
            "01JDX0000000000000000000AA,2026-03-01T08:00:00.000Z,12.5,fail,0123456789abcdef0123456789abcdef,\"blinky, \"\"rev B\"\"\",1A2B3C4D,st-1," +
            "gdb://127.0.0.1:3333,sn=1004,uid=0011223344556677,selftest=0x2A/fail,mac=020000ABCDEF,4:verify read-back," +
            "\"verify: the byte at 0x00001234 reads 0x00, expected 0xFF.\",0x00001234,program:5ms:ok;verify read-back:2.25ms:failed");
    }

    [Fact]
    public async Task JsonLines_OneRecordPerLine_RoundTrips()
    {
        using var writer = new StringWriter();

        await ProgrammingLogWriter.WriteJsonLinesAsync(new[] { Failed, Failed with { Id = "B", Result = UnitResult.Pass } }.ToAsyncEnumerable(), writer);

        var lines = writer.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines.Length.ShouldBe(2);
        var back = JsonSerializer.Deserialize<ProgrammingRecord>(lines[0], RecordJson.Options)!;
        JsonSerializer.Serialize(back, RecordJson.Options).ShouldBe(lines[0].TrimEnd('\r'));
        lines[1].ShouldContain("\"result\":\"pass\"");
    }

    [Fact]
    public async Task Csv_StartsWithTheHeader()
    {
        using var writer = new StringWriter();

        await ProgrammingLogWriter.WriteCsvAsync(new[] { Failed }.ToAsyncEnumerable(), writer);

        writer.ToString().Split('\n')[0].TrimEnd('\r').ShouldBe(ProgrammingLogWriter.CsvHeader);
    }
}
