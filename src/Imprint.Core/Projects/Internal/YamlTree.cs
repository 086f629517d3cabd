namespace Imprint.Projects.Internal;

/// <summary>A node of a parsed project document, with where it starts.</summary>
internal abstract record YNode(int Line, int Column);

/// <summary>A scalar; <see cref="IsPlain"/> is false when it was quoted.</summary>
internal sealed record YScalar(int Line, int Column, string Value, bool IsPlain) : YNode(Line, Column)
{
    /// <summary>Gets a value indicating whether the scalar is YAML's null (<c>~</c>, <c>null</c> or nothing).</summary>
    public bool IsNull => IsPlain && Value is "" or "~" or "null" or "Null" or "NULL";
}

/// <summary>A sequence.</summary>
internal sealed record YSeq(int Line, int Column, IReadOnlyList<YNode> Items) : YNode(Line, Column);

/// <summary>One key of a mapping and its value.</summary>
internal sealed record YEntry(string Key, int Line, int Column, YNode Value);

/// <summary>A mapping with plain string keys, in document order.</summary>
internal sealed record YMap(int Line, int Column, IReadOnlyList<YEntry> Entries) : YNode(Line, Column);
