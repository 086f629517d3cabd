using System.Globalization;

namespace Imprint.Cloud.Dashboard.Internal;

/// <summary>Reads typed values from form and query fields (empty means "not set"); a malformed one is the API's one-sentence <see cref="CloudException"/> naming the field.</summary>
internal static class FormValues
{
    public static long? Whole(string field, string? value)
    {
        value = value?.Trim();
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }

        return long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var parsed)
            ? parsed
            : throw CloudException.Invalid(field, $"'{value}' is not a whole number.");
    }

    /// <summary>Reads a time; <c>datetime-local</c> inputs send "2026-06-01T08:00" without a zone, and the dashboard works in UTC.</summary>
    public static DateTimeOffset? UtcTime(string field, string? value)
    {
        value = value?.Trim();
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }

        return DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed)
            ? parsed
            : throw CloudException.Invalid(field, $"'{value}' is not a date and time (UTC, for example 2026-06-01T08:00).");
    }
}
