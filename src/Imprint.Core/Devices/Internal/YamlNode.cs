namespace Imprint.Devices.Internal;

/// <summary>A node of a parsed YAML document, with the line it started on.</summary>
internal abstract record YamlNode(int Line);

/// <summary>A mapping whose keys are plain strings, kept in document order.</summary>
internal sealed record YamlMap(int Line, IReadOnlyList<KeyValuePair<string, YamlNode>> Entries) : YamlNode(Line);

/// <summary>A sequence.</summary>
internal sealed record YamlList(int Line, IReadOnlyList<YamlNode> Items) : YamlNode(Line);

/// <summary>A scalar; <paramref name="IsPlain"/> is false when it was quoted.</summary>
internal sealed record YamlText(int Line, string Value, bool IsPlain) : YamlNode(Line)
{
    /// <summary>Gets a value indicating whether the scalar is YAML's null (<c>~</c>, <c>null</c> or nothing).</summary>
    public bool IsNull => IsPlain && Value is "" or "~" or "null" or "Null" or "NULL";
}
