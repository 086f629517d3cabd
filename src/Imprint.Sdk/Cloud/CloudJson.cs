using System.Text.Json;
using System.Text.Json.Serialization;

namespace Imprint.Sdk.Cloud;

/// <summary>The JSON conventions of the cloud API: camelCase names, enums as camelCase strings.</summary>
public static class CloudJson
{
    /// <summary>Gets the serializer options both the cloud and its clients use.</summary>
    public static JsonSerializerOptions Options { get; } = Create();

    /// <summary>Applies the cloud's conventions to <paramref name="options"/> (for ASP.NET's options).</summary>
    /// <param name="options">The options to change.</param>
    public static void Apply(JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        options.DictionaryKeyPolicy = null;
        options.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase));
    }

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        Apply(options);
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
