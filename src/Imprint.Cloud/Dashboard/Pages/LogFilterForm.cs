using System.Text;
using Imprint.Cloud.Apis;
using Imprint.Cloud.Dashboard.Internal;

namespace Imprint.Cloud.Dashboard.Pages;

/// <summary>
/// The log filter as the page's form sends it (query string; empty means "any"). It becomes the
/// API's own <see cref="RecordQuery"/>, so the page, its CSV and JSON Lines downloads and
/// <c>GET /api/v1/records/export</c> select exactly the same records.
/// </summary>
/// <param name="JobId">The job, or empty.</param>
/// <param name="StationId">The station, or empty.</param>
/// <param name="Result">success, failure, or empty.</param>
/// <param name="Serial">A serial number, or empty.</param>
/// <param name="From">The earliest finish time (UTC, <c>datetime-local</c> format), or empty.</param>
/// <param name="To">The latest finish time (exclusive), or empty.</param>
public sealed record LogFilterForm(string JobId, string StationId, string Result, string Serial, string From, string To)
{
    private static readonly string[] Keys = ["jobId", "stationId", "result", "serial", "from", "to"];

    /// <summary>Gets whether any field is set.</summary>
    public bool IsFiltered => JobId.Length + StationId.Length + Result.Length + Serial.Length + From.Length + To.Length > 0;

    /// <summary>Reads the filter from a query string.</summary>
    public static LogFilterForm Parse(IQueryCollection query)
    {
        ArgumentNullException.ThrowIfNull(query);
        string Get(string key) => query[key].ToString().Trim();
        return new LogFilterForm(Get(Keys[0]), Get(Keys[1]), Get(Keys[2]), Get(Keys[3]), Get(Keys[4]), Get(Keys[5]));
    }

    /// <summary>Builds the API's query; a malformed field throws the same one-sentence <see cref="CloudException"/> the API would.</summary>
    public RecordQuery ToQuery() => new()
    {
        JobId = Empty(JobId),
        StationId = Empty(StationId),
        Result = Empty(Result),
        Serial = Empty(Serial),
        From = FormValues.UtcTime("from", From),
        To = FormValues.UtcTime("to", To),
    };

    /// <summary>Writes the filter back as a query string (without paging), for download links and the next page.</summary>
    public string QueryString()
    {
        var builder = new StringBuilder();
        string[] values = [JobId, StationId, Result, Serial, From, To];
        for (var i = 0; i < Keys.Length; i++)
        {
            if (values[i].Length > 0)
            {
                builder.Append(builder.Length == 0 ? "" : "&").Append(Keys[i]).Append('=').Append(Uri.EscapeDataString(values[i]));
            }
        }

        return builder.ToString();
    }

    private static string? Empty(string value) => value.Length == 0 ? null : value;
}
