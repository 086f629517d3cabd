using System.Text.Json;
using Imprint.Sdk.Cloud;

namespace Imprint.Cloud.Internal;

/// <summary>JSON columns (serial definitions, build info, record details) use the API's conventions.</summary>
internal static class Json
{
    public static string Write<T>(T value) => JsonSerializer.Serialize(value, CloudJson.Options);

    public static T Read<T>(string? text, T fallback) =>
        string.IsNullOrEmpty(text) ? fallback : JsonSerializer.Deserialize<T>(text, CloudJson.Options) ?? fallback;
}
