namespace Imprint.Projects;

/// <summary>One problem found in a project file.</summary>
/// <param name="FieldPath">
/// The path of the offending field, for example <c>script[3].serial</c>; empty for a YAML
/// syntax error, which has no field.
/// </param>
/// <param name="Problem">What is wrong, as the end of a sentence that starts with the field path, without a final period (for example <c>names unknown serial 'mac'</c>).</param>
/// <param name="Line">The 1-based line in the project file, or 0 when unknown.</param>
/// <param name="Column">The 1-based column in the project file, or 0 when unknown.</param>
public sealed record ProjectError(string FieldPath, string Problem, int Line = 0, int Column = 0)
{
    /// <summary>Returns the error as one sentence prefixed with the project file's name.</summary>
    /// <param name="fileName">The project file's name, for example <c>imprint.yaml</c>.</param>
    /// <returns>For example <c>imprint.yaml: script[3].serial names unknown serial 'mac'.</c></returns>
    public string Format(string fileName)
    {
        string text = FieldPath.Length > 0
            ? $"{fileName}: {FieldPath} {Problem}"
            : $"{fileName}: line {Line}, column {Column}: {Problem}";
        return text.EndsWith('.') ? text : text + ".";
    }
}
