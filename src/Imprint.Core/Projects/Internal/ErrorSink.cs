namespace Imprint.Projects.Internal;

/// <summary>Collects the problems found in one project file, and the line of every field read.</summary>
internal sealed class ErrorSink(string fileName)
{
    private readonly List<ProjectError> _errors = [];

    public string FileName { get; } = fileName;

    public Dictionary<string, int> Lines { get; } = [];

    public bool HasErrors => _errors.Count > 0;

    public int Count => _errors.Count;

    public IReadOnlyList<ProjectError> Errors => _errors;

    public void Add(string path, string problem, YNode? at = null)
    {
        int line = at?.Line ?? LineOf(path);
        _errors.Add(new ProjectError(path, problem, line, at?.Column ?? 0));
    }

    public void Add(string path, string problem, IReadOnlyDictionary<string, int> lines) =>
        _errors.Add(new ProjectError(path, problem, LineIn(lines, path)));

    public void ThrowIfAny()
    {
        if (_errors.Count > 0) throw new ProjectException(FileName, [.. _errors]);
    }

    private int LineOf(string path) => LineIn(Lines, path);

    // The field's own line, else its nearest enclosing field's.
    private static int LineIn(IReadOnlyDictionary<string, int> lines, string path)
    {
        for (string p = path; p.Length > 0; p = Parent(p))
        {
            if (lines.TryGetValue(p, out int line)) return line;
        }

        return 0;
    }

    private static string Parent(string path)
    {
        int cut = Math.Max(path.LastIndexOf('.'), path.LastIndexOf('['));
        return cut <= 0 ? "" : path[..cut];
    }
}
