namespace Imprint.Projects;

/// <summary>
/// A project file is malformed or inconsistent. Every problem found is in <see cref="Errors"/>;
/// the message is the first of them (with a count of the others), one sentence naming the
/// file, the field path and the problem, for example
/// <c>imprint.yaml: script[3].serial names unknown serial 'mac'.</c>
/// </summary>
/// <remarks>
/// Loading and validating collect every problem they can find in one pass rather than stopping
/// at the first; a YAML syntax error stops the load at once, since nothing after it can be read
/// reliably.
/// </remarks>
public sealed class ProjectException : ImprintException
{
    /// <summary>Initializes a new instance.</summary>
    /// <param name="fileName">The project file's name as shown to the user.</param>
    /// <param name="errors">The problems found; at least one.</param>
    public ProjectException(string fileName, IReadOnlyList<ProjectError> errors)
        : base(Describe(fileName, errors))
    {
        FileName = fileName;
        Errors = errors;
    }

    /// <summary>Initializes a new instance for one problem.</summary>
    /// <param name="fileName">The project file's name as shown to the user.</param>
    /// <param name="error">The problem.</param>
    public ProjectException(string fileName, ProjectError error)
        : this(fileName, [error])
    {
    }

    /// <summary>Gets the project file's name as shown to the user.</summary>
    public string FileName { get; }

    /// <summary>Gets every problem found, in document order where possible.</summary>
    public IReadOnlyList<ProjectError> Errors { get; }

    /// <summary>Returns each problem as its own sentence.</summary>
    /// <returns>One line per problem, each prefixed with the file name.</returns>
    public IEnumerable<string> Lines() => Errors.Select(e => e.Format(FileName));

    private static string Describe(string fileName, IReadOnlyList<ProjectError> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (errors.Count == 0) throw new ArgumentException("At least one error is required.", nameof(errors));
        string first = errors[0].Format(fileName);
        return errors.Count switch
        {
            1 => first,
            2 => first[..^1] + " (and 1 more problem).",
            _ => first[..^1] + $" (and {errors.Count - 1} more problems).",
        };
    }
}
