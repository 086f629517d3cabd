using System.Globalization;

namespace Imprint.Projects.Internal;

/// <summary>
/// Reads the fields of one mapping of a project file. A mistake is recorded in the
/// <see cref="ErrorSink"/> with its field path and the reader goes on, returning
/// <see langword="null"/> for the bad value, so one load reports every problem.
/// </summary>
internal sealed class Fields
{
    private readonly YMap _map;
    private readonly HashSet<string> _read = [];

    private Fields(YMap map, string path, ErrorSink sink)
    {
        _map = map;
        Path = path;
        Sink = sink;
    }

    public string Path { get; }

    public ErrorSink Sink { get; }

    public YNode Node => _map;

    /// <summary>Wraps <paramref name="node"/> when it is a mapping; otherwise records an error and returns <see langword="null"/>.</summary>
    public static Fields? Of(YNode node, string path, ErrorSink sink, string what)
    {
        if (node is YMap map)
        {
            if (path.Length > 0) sink.Lines.TryAdd(path, node.Line);
            return new Fields(map, path, sink);
        }

        sink.Add(path.Length == 0 ? "(document)" : path, $"must be a mapping of {what}", node);
        return null;
    }

    public string PathOf(string key) => Path.Length == 0 ? key : Path + "." + key;

    public void Error(string key, string problem, YNode? at = null) => Sink.Add(PathOf(key), problem, at ?? Get(key) ?? _map);

    /// <summary>Records every key that no getter asked for as unknown. Call after reading the known fields.</summary>
    public void RefuseUnknown(params string[] known)
    {
        foreach (var entry in _map.Entries)
        {
            if (Array.IndexOf(known, entry.Key) < 0)
            {
                Sink.Add(PathOf(entry.Key), $"is not a known field; expected one of {string.Join(", ", known)}", entry.Value);
            }
        }
    }

    public YNode? Get(string key)
    {
        foreach (var entry in _map.Entries)
        {
            if (entry.Key == key)
            {
                Sink.Lines.TryAdd(PathOf(key), entry.Line);
                return entry.Value is YScalar { IsNull: true } ? null : entry.Value;
            }
        }

        return null;
    }

    public bool Has(string key) => Get(key) is not null;

    public string? String(string key, bool required = false)
    {
        switch (Get(key))
        {
            case null:
                if (required) Error(key, "is required");
                return null;
            case YScalar s when s.Value.Length == 0 && required:
                Error(key, "is required", s);
                return null;
            case YScalar s:
                return s.Value;
            case var other:
                Error(key, "must be text, not a list or mapping", other);
                return null;
        }
    }

    public ulong? Number(string key, bool required = false)
    {
        var node = Get(key);
        string? text = String(key, required);
        if (text is null) return null;
        if (Numbers.TryParse(text, out ulong value)) return value;
        Error(key, $"must be a number (decimal, 0x hex, or a size such as 4K), not '{ProjectYaml.Clip(text)}'", node);
        return null;
    }

    public long? SignedNumber(string key)
    {
        var node = Get(key);
        string? text = String(key);
        if (text is null) return null;
        if (text.StartsWith('-') && Numbers.TryParse(text[1..], out ulong magnitude) && magnitude <= long.MaxValue) return -(long)magnitude;
        if (Numbers.TryParse(text, out ulong value) && value <= long.MaxValue) return (long)value;
        Error(key, $"must be a whole number, not '{ProjectYaml.Clip(text)}'", node);
        return null;
    }

    public int? Int(string key, int min, int max, bool required = false)
    {
        var node = Get(key);
        string? text = String(key, required);
        if (text is null) return null;
        bool negative = text.StartsWith('-');
        if (Numbers.TryParse(negative ? text[1..] : text, out ulong magnitude) && magnitude <= int.MaxValue)
        {
            long value = negative ? -(long)magnitude : (long)magnitude;
            if (value >= min && value <= max) return (int)value;
            Error(key, $"is {value} but must be {min} to {max}", node);
            return null;
        }

        Error(key, $"must be a whole number from {min} to {max}, not '{ProjectYaml.Clip(text)}'", node);
        return null;
    }

    public double? Decimal(string key)
    {
        var node = Get(key);
        string? text = String(key);
        if (text is null) return null;
        if (double.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double value) && double.IsFinite(value)) return value;
        Error(key, $"must be a decimal number such as 3.3, not '{ProjectYaml.Clip(text)}'", node);
        return null;
    }

    public bool? Bool(string key)
    {
        var node = Get(key);
        string? text = String(key);
        if (text is null) return null;
        if (Numbers.TryParseBool(text, out bool value)) return value;
        Error(key, $"must be true or false, not '{ProjectYaml.Clip(text)}'", node);
        return null;
    }

    public T? Choice<T>(string key, IReadOnlyList<(string Name, T Value)> table)
        where T : struct
    {
        var node = Get(key);
        string? text = String(key);
        if (text is null) return null;
        if (ProjectNames.TryParse(table, text, out T value)) return value;
        Error(key, $"must be one of {ProjectNames.List(table)}, not '{ProjectYaml.Clip(text)}'", node);
        return null;
    }

    public DateTimeOffset? Date(string key, bool endOfDay)
    {
        var node = Get(key);
        string? text = String(key);
        if (text is null) return null;
        if (Numbers.TryParseDate(text, endOfDay, out var value)) return value;
        Error(key, $"must be a date (2025-06-30) or a date and time (2025-06-30T17:00:00Z), not '{ProjectYaml.Clip(text)}'", node);
        return null;
    }

    public byte[]? Hex(string key, bool required = false)
    {
        var node = Get(key);
        string? text = String(key, required);
        if (text is null) return null;
        if (Numbers.TryParseHexBytes(text, out var bytes) && bytes.Length > 0) return bytes;
        Error(key, $"must be bytes in hex, such as 'FF 00 A5 5A', not '{ProjectYaml.Clip(text)}'", node);
        return null;
    }

    public YSeq? List(string key)
    {
        switch (Get(key))
        {
            case null:
                return null;
            case YSeq seq:
                return seq;
            case var other:
                Error(key, "must be a list", other);
                return null;
        }
    }

    public Fields? Map(string key, string what) => Get(key) is { } node ? Of(node, PathOf(key), Sink, what) : null;
}
