namespace Imprint.Cloud.Internal;

/// <summary>Times are stored as Unix milliseconds.</summary>
internal static class Time
{
    public static long Now(this TimeProvider time) => time.GetUtcNow().ToUnixTimeMilliseconds();

    public static DateTimeOffset From(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms);

    public static DateTimeOffset? From(long? ms) => ms is { } v ? DateTimeOffset.FromUnixTimeMilliseconds(v) : null;

    public static long? To(DateTimeOffset? value) => value?.ToUnixTimeMilliseconds();
}
