using System.Globalization;

namespace Imprint.Devices.Internal;

/// <summary>
/// Reads the fields of one YAML mapping and reports mistakes as one sentence naming the file
/// and the field path (<c>memory[1].sectors[0].size</c>).
/// </summary>
internal sealed class YamlFields
{
    private readonly YamlMap _map;

    public YamlFields(YamlNode node, string fileName, string path)
    {
        FileName = fileName;
        PathPrefix = path;
        _map = node as YamlMap ?? throw new DeviceException(
            path.Length == 0 ? $"{fileName} must hold a mapping of device fields (name: …, memory: …)." : $"{fileName}: {path} must be a mapping of fields.");
    }

    public string FileName { get; }

    public string PathPrefix { get; }

    public string PathOf(string key) => PathPrefix.Length == 0 ? key : PathPrefix + "." + key;

    public DeviceException Error(string path, string problem) => new($"{FileName}: {path} {problem}");

    public DeviceException Error(string problem) => new($"{FileName}: {PathPrefix} {problem}");

    public void RefuseUnknown(params string[] known)
    {
        foreach (var (key, _) in _map.Entries)
        {
            if (Array.IndexOf(known, key) < 0)
            {
                throw new DeviceException($"{FileName}: {PathOf(key)} is not a known field; expected one of {string.Join(", ", known)}.");
            }
        }
    }

    public YamlNode? Get(string key)
    {
        foreach (var (k, v) in _map.Entries)
        {
            if (k == key) return v is YamlText { IsNull: true } ? null : v;
        }

        return null;
    }

    public bool Has(string key) => Get(key) is not null;

    public string? OptionalString(string key) => Get(key) switch
    {
        null => null,
        YamlText t => t.Value,
        _ => throw Error(PathOf(key), "must be text, not a list or mapping."),
    };

    public string RequiredString(string key) =>
        OptionalString(key) is { Length: > 0 } s ? s : throw Error(PathOf(key), "is required.");

    public ulong? OptionalNumber(string key)
    {
        var text = OptionalString(key);
        if (text is null) return null;
        return NumberText.TryParse(text, out ulong value)
            ? value
            : throw Error(PathOf(key), $"must be a number (decimal, 0x hex, or a size such as 16K), not '{Clip(text)}'.");
    }

    public ulong RequiredNumber(string key) => OptionalNumber(key) ?? throw Error(PathOf(key), "is required.");

    public double? OptionalDecimal(string key)
    {
        var text = OptionalString(key);
        if (text is null) return null;
        return double.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double value) && double.IsFinite(value)
            ? value
            : throw Error(PathOf(key), $"must be a decimal number such as 3.3, not '{Clip(text)}'.");
    }

    public bool? OptionalBool(string key) => OptionalString(key) switch
    {
        null => null,
        "true" => true,
        "false" => false,
        var other => throw Error(PathOf(key), $"must be true or false, not '{Clip(other)}'."),
    };

    public T? OptionalChoice<T>(string key, IReadOnlyDictionary<string, T> choices)
        where T : struct
    {
        var text = OptionalString(key);
        if (text is null) return null;
        return choices.TryGetValue(text, out var value)
            ? value
            : throw Error(PathOf(key), $"must be one of {string.Join(", ", choices.Keys)}, not '{Clip(text)}'.");
    }

    public YamlList? OptionalList(string key) => Get(key) switch
    {
        null => null,
        YamlList list => list,
        _ => throw Error(PathOf(key), "must be a list."),
    };

    public YamlFields? OptionalMap(string key) => Get(key) is { } node ? new YamlFields(node, FileName, PathOf(key)) : null;

    public static string Clip(string text) => text.Length <= 40 ? text : text[..40] + "…";
}
