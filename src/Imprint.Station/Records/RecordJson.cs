using System.Text.Json;
using System.Text.Json.Serialization;

namespace Imprint.Station.Records;

/// <summary>The JSON form of records: camelCase names, enums as lower-case strings, nulls left out.</summary>
public static class RecordJson
{
    /// <summary>Gets the serializer options for one record per line (JSON Lines).</summary>
    public static JsonSerializerOptions Options { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };
}
