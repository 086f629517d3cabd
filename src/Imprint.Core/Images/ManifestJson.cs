using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Imprint.Projects;

namespace Imprint.Images;

/// <summary>
/// The one place the JSON form of an image manifest is defined: camelCase names, enums as
/// camelCase strings, nulls written out, computed (get-only) properties left out so every
/// record (<see cref="ProgrammingSpec"/>, <c>Device</c>, <c>MemoryRegion</c> …) round-trips
/// exactly, and strict reading (unknown or duplicate members, missing required members and
/// nulls in non-nullable members are errors).
/// </summary>
/// <remarks>
/// A manifest is signed as the exact bytes written, so readers never re-serialize it. To keep
/// old images readable, add new members to these records as optional <c>init</c> properties
/// with defaults; a member an older reader does not know makes it refuse the image.
/// </remarks>
public static class ManifestJson
{
    /// <summary>Gets the serializer options (read-only).</summary>
    public static JsonSerializerOptions Options { get; } = Create(indented: false);

    /// <summary>Gets the same options with indentation, for display.</summary>
    public static JsonSerializerOptions IndentedOptions { get; } = Create(indented: true);

    /// <summary>Serializes a programming spec as UTF-8 JSON.</summary>
    /// <param name="spec">The spec.</param>
    /// <returns>The JSON bytes.</returns>
    public static byte[] SerializeSpec(ProgrammingSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return JsonSerializer.SerializeToUtf8Bytes(spec, Options);
    }

    /// <summary>Reads a programming spec from UTF-8 JSON written by <see cref="SerializeSpec"/>.</summary>
    /// <param name="json">The JSON bytes.</param>
    /// <param name="source">The name used in error messages.</param>
    /// <returns>The spec.</returns>
    /// <exception cref="ImageException">The JSON is not a valid programming spec.</exception>
    public static ProgrammingSpec DeserializeSpec(ReadOnlySpan<byte> json, string source)
    {
        ArgumentNullException.ThrowIfNull(source);
        return Deserialize<ProgrammingSpec>(json, source, "programming spec");
    }

    internal static T Deserialize<T>(ReadOnlySpan<byte> json, string source, string what)
    {
        try
        {
            return JsonSerializer.Deserialize<T>(json, Options)
                ?? throw new ImageException($"{source}: the {what} is null.");
        }
        catch (JsonException ex)
        {
            var at = string.IsNullOrEmpty(ex.Path) ? "" : $" at {ex.Path}";
            throw new ImageException($"{source}: the {what} is not valid{at}: {FirstSentence(ex.Message)}", ex);
        }
        catch (Exception ex) when (ex is NotSupportedException or InvalidOperationException or ArgumentException or FormatException or OverflowException)
        {
            throw new ImageException($"{source}: the {what} is not valid: {FirstSentence(ex.Message)}", ex);
        }
    }

    private static string FirstSentence(string message)
    {
        int end = message.IndexOf(". ", StringComparison.Ordinal);
        var sentence = end < 0 ? message : message[..(end + 1)];
        return sentence.EndsWith('.') ? sentence : sentence + ".";
    }

    private static JsonSerializerOptions Create(bool indented)
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.General)
        {
            PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
            DictionaryKeyPolicy = JsonNamingPolicy.CamelCase,
            DefaultIgnoreCondition = JsonIgnoreCondition.Never,
            WriteIndented = indented,
            UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
            RespectNullableAnnotations = true,
            RespectRequiredConstructorParameters = true,
            AllowDuplicateProperties = false,
            AllowTrailingCommas = false,
            ReadCommentHandling = JsonCommentHandling.Disallow,
            NumberHandling = JsonNumberHandling.Strict,
            MaxDepth = 32,
            TypeInfoResolver = new DefaultJsonTypeInfoResolver { Modifiers = { OmitComputedProperties } },
        };
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false));
        options.MakeReadOnly();
        return options;
    }

    // Get-only properties (Device.FlashRegions, MemoryRegion.End) are derived from the others:
    // writing them would duplicate data and reading them back is impossible.
    private static void OmitComputedProperties(JsonTypeInfo info)
    {
        if (info.Kind != JsonTypeInfoKind.Object) return;
        for (int i = info.Properties.Count - 1; i >= 0; i--)
        {
            var property = info.Properties[i];
            if (property.Set is null && property.AssociatedParameter is null) info.Properties.RemoveAt(i);
        }
    }
}
