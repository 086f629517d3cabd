using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Imprint.Station.Records;

/// <summary>Writes programming records as CSV (one row per unit) or JSON Lines (one object per line).</summary>
public static class ProgrammingLogWriter
{
    /// <summary>The CSV header row.</summary>
    public const string CsvHeader =
        "id,started_at,duration_ms,result,image_id,image_name,image_crc,station_id,target,serials,data,tests,dynamic,failure_step,failure_message,failure_address,steps";

    /// <summary>Writes <paramref name="records"/> as CSV (RFC 4180) with a header row.</summary>
    /// <param name="records">The records, in log order.</param>
    /// <param name="writer">Receives the text.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task that completes when every record is written.</returns>
    public static async Task WriteCsvAsync(IAsyncEnumerable<ProgrammingRecord> records, TextWriter writer, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(records);
        ArgumentNullException.ThrowIfNull(writer);
        await writer.WriteLineAsync(CsvHeader.AsMemory(), cancellationToken);
        await foreach (var record in records.WithCancellation(cancellationToken))
        {
            await writer.WriteLineAsync(ToCsvRow(record).AsMemory(), cancellationToken);
        }

        await writer.FlushAsync(cancellationToken);
    }

    /// <summary>Writes <paramref name="records"/> as JSON Lines.</summary>
    /// <param name="records">The records, in log order.</param>
    /// <param name="writer">Receives the text.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task that completes when every record is written.</returns>
    public static async Task WriteJsonLinesAsync(IAsyncEnumerable<ProgrammingRecord> records, TextWriter writer, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(records);
        ArgumentNullException.ThrowIfNull(writer);
        await foreach (var record in records.WithCancellation(cancellationToken))
        {
            await writer.WriteLineAsync(JsonSerializer.Serialize(record, RecordJson.Options).AsMemory(), cancellationToken);
        }

        await writer.FlushAsync(cancellationToken);
    }

    /// <summary>Formats one record as a CSV row (no line end).</summary>
    /// <param name="record">The record.</param>
    /// <returns>The row.</returns>
    public static string ToCsvRow(ProgrammingRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var c = CultureInfo.InvariantCulture;
        string[] fields =
        [
            record.Id,
            record.StartedAt.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", c),
            record.DurationMs.ToString("0.###", c),
            record.Result.ToString().ToLowerInvariant(),
            record.ImageId,
            record.ImageName,
            record.ImageCrc.ToString("X8", c),
            record.StationId,
            record.Target,
            string.Join(';', record.Serials.Select(s => $"{s.Name}={s.Value.ToString(c)}")),
            string.Join(';', record.Data.Select(d => $"{d.Key}={d.Value}")),
            string.Join(';', record.Tests.Select(t => $"{t.Label}={(t.Value is { } v ? "0x" + v.ToString("X", c) : "none")}/{(t.Passed ? "pass" : "fail")}")),
            string.Join(';', record.Dynamic.Select(d => $"{d.Key}={d.Value}")),
            record.FailureStep ?? "",
            record.FailureMessage ?? "",
            record.FailureAddress is { } a ? $"0x{a:X8}" : "",
            string.Join(';', record.Steps.Select(s => $"{s.Step}:{s.DurationMs.ToString("0.###", c)}ms:{s.Outcome.ToString().ToLowerInvariant()}")),
        ];
        var row = new StringBuilder();
        for (int i = 0; i < fields.Length; i++)
        {
            if (i > 0) row.Append(',');
            AppendField(row, fields[i]);
        }

        return row.ToString();
    }

    private static void AppendField(StringBuilder row, string field)
    {
        if (field.AsSpan().IndexOfAny(",\"\r\n") < 0)
        {
            row.Append(field);
            return;
        }

        row.Append('"').Append(field.Replace("\"", "\"\"", StringComparison.Ordinal)).Append('"');
    }
}
