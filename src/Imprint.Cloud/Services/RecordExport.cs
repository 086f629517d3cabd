using System.Globalization;
using System.Text;
using Imprint.Cloud.Internal;
using Imprint.Sdk.Cloud;

namespace Imprint.Cloud.Services;

/// <summary>The log's export formats: CSV (RFC 4180) and JSON Lines (one <see cref="RecordView"/> per line).</summary>
internal abstract class RecordExport
{
    public abstract string ContentType { get; }

    public abstract string Header { get; }

    public abstract string Line(RecordView record);

    public static RecordExport For(string? format) => format?.ToLowerInvariant() switch
    {
        "csv" => new Csv(),
        "jsonl" or "ndjson" => new JsonLines(),
        _ => throw CloudException.Invalid("format", $"'{format}' is not csv or jsonl."),
    };

    private sealed class Csv : RecordExport
    {
        public override string ContentType => "text/csv; charset=utf-8";

        public override string Header =>
            "id,job_id,image_id,factory_id,station_id,grant_id,unit_index,started_at,finished_at,duration_ms,result,failure_step,failure_message,serials,custom_data,test_results,dynamic_data,received_at,late\r\n";

        public override string Line(RecordView r)
        {
            string[] fields =
            [
                r.Id, r.JobId, r.ImageId, r.FactoryId, r.StationId, r.GrantId, r.UnitIndex.ToString(CultureInfo.InvariantCulture),
                r.StartedAt.UtcDateTime.ToString("O", CultureInfo.InvariantCulture), r.FinishedAt.UtcDateTime.ToString("O", CultureInfo.InvariantCulture),
                r.DurationMs.ToString(CultureInfo.InvariantCulture), r.Result == UnitResult.Success ? "success" : "failure",
                r.FailureStep ?? "", r.FailureMessage ?? "",
                string.Join(';', r.Serials.Select(s => $"{s.Name}={s.Value.ToString(CultureInfo.InvariantCulture)}")),
                string.Join(';', r.CustomData.Select(kv => $"{kv.Key}={kv.Value}")),
                string.Join(';', r.TestResults.Select(t => $"{t.Label}={t.Value.ToString(CultureInfo.InvariantCulture)}:{(t.Passed ? "pass" : "fail")}")),
                string.Join(';', r.DynamicData.Select(kv => $"{kv.Key}={kv.Value}")),
                r.ReceivedAt.UtcDateTime.ToString("O", CultureInfo.InvariantCulture), r.Late ? "true" : "false",
            ];
            var builder = new StringBuilder();
            for (var i = 0; i < fields.Length; i++)
            {
                if (i > 0)
                {
                    builder.Append(',');
                }

                var f = fields[i];
                if (f.AsSpan().IndexOfAny(",\"\r\n") >= 0)
                {
                    builder.Append('"').Append(f.Replace("\"", "\"\"", StringComparison.Ordinal)).Append('"');
                }
                else
                {
                    builder.Append(f);
                }
            }

            return builder.Append("\r\n").ToString();
        }
    }

    private sealed class JsonLines : RecordExport
    {
        public override string ContentType => "application/x-ndjson; charset=utf-8";

        public override string Header => "";

        public override string Line(RecordView record) => Json.Write(record) + "\n";
    }
}
