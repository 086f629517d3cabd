using System.Globalization;
using Imprint.Sdk.Cloud;

namespace Imprint.Cloud.Dashboard.Internal;

/// <summary>How the dashboard writes numbers, times and statuses: invariant, UTC, readable from across a room.</summary>
public static class Format
{
    /// <summary>Writes a count with thousands separators.</summary>
    public static string Count(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>Writes a UTC time to the second.</summary>
    public static string Utc(DateTimeOffset value) => value.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + " UTC";

    /// <summary>Writes a UTC time to the second, or a dash.</summary>
    public static string Utc(DateTimeOffset? value) => value is { } v ? Utc(v) : "—";

    /// <summary>Writes the value of a <c>datetime-local</c> input (UTC, to the minute).</summary>
    public static string InputTime(DateTimeOffset? value) => value?.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm", CultureInfo.InvariantCulture) ?? "";

    /// <summary>Writes an ISO 8601 time for <c>&lt;time datetime&gt;</c>.</summary>
    public static string Iso(DateTimeOffset value) => value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>Writes how long ago something happened ("just now", "5 min ago", "3 h ago", "2 days ago").</summary>
    public static string Ago(DateTimeOffset? value, DateTimeOffset now)
    {
        if (value is not { } v)
        {
            return "never";
        }

        var age = now - v;
        return age.TotalSeconds switch
        {
            < 0 => "in the future",
            < 60 => "just now",
            < 3600 => $"{(int)age.TotalMinutes} min ago",
            < 86400 => $"{(int)age.TotalHours} h ago",
            _ => $"{(int)age.TotalDays} days ago",
        };
    }

    /// <summary>Writes a duration in milliseconds as "850 ms" or "2.4 s".</summary>
    public static string Duration(long ms) =>
        ms < 1000 ? $"{ms.ToString(CultureInfo.InvariantCulture)} ms" : $"{(ms / 1000.0).ToString("0.0", CultureInfo.InvariantCulture)} s";

    /// <summary>Writes a fraction as a percentage.</summary>
    public static string Percent(double fraction) => (fraction * 100).ToString("0.#", CultureInfo.InvariantCulture) + " %";

    /// <summary>Writes a job status as the word the dashboard shows.</summary>
    public static string Word(JobStatus status) => status switch
    {
        JobStatus.Active => "Active",
        JobStatus.Paused => "Paused",
        JobStatus.Disabled => "Disabled",
        JobStatus.Deleted => "Deleted",
        _ => status.ToString(),
    };

    /// <summary>Writes a job status as the CSS modifier that colours it.</summary>
    public static string Css(JobStatus status) => "status-" + status.ToString().ToLowerInvariant();

    /// <summary>Writes an address as the rest of Imprint does (<c>0x08000000</c>).</summary>
    public static string Address(ulong address) => "0x" + address.ToString("X8", CultureInfo.InvariantCulture);
}
