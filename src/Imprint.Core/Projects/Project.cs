namespace Imprint.Projects;

/// <summary>
/// A project file (<c>imprint.yaml</c>) as read: everything an image needs, stated by name and
/// path. <see cref="ProjectReader.Load"/> reads one; resolving it against a device checks it
/// (see <c>docs/project-format.md</c> for the rules) and produces the image content.
/// </summary>
/// <remarks>
/// A project is an immutable record: change deployment settings for one build with a
/// <see langword="with"/> expression (for example <c>project with { Type = ImageType.Sap, Binding = null }</c>)
/// and resolve the copy; every rule is checked again then.
/// </remarks>
public sealed partial record Project
{
    /// <summary>Gets the full path of the project file; relative input paths are resolved against its folder.</summary>
    public required string FilePath { get; init; }

    /// <summary>Gets the name used for the project file in messages.</summary>
    /// <value>The default is the file name of <see cref="FilePath"/>.</value>
    public string DisplayName { get => field ?? System.IO.Path.GetFileName(FilePath); init; }

    /// <summary>Gets the project's (and the image's) name.</summary>
    public required string Name { get; init; }

    /// <summary>Gets a free-text description.</summary>
    public string Description { get; init; } = "";

    /// <summary>Gets the image type built by default.</summary>
    /// <value>The default is <see cref="ImageType.Sap"/>.</value>
    public ImageType Type { get; init; } = ImageType.Sap;

    /// <summary>Gets the device's name in the catalog.</summary>
    public required string DeviceName { get; init; }

    /// <summary>Gets the connection settings; unset values take the device's defaults.</summary>
    public ProjectConnection Connection { get; init; } = ProjectConnection.Default;

    /// <summary>Gets the power settings.</summary>
    /// <value>The default is a self-powered target (0 V), no power-on delay, power left on.</value>
    public PowerSettings Power { get; init; } = new(0, 0, false);

    /// <summary>Gets the firmware inputs, merged in order into one memory image.</summary>
    public IReadOnlyList<FirmwareInput> Firmware { get; init; } = [];

    /// <summary>Gets the flash algorithm file (<c>.FLM</c>) to carry, overriding the catalog's, or <see langword="null"/>.</summary>
    public string? AlgorithmPath { get; init; }

    /// <summary>Gets the ordered steps run per unit.</summary>
    public IReadOnlyList<ProjectStep> Script { get; init; } = [];

    /// <summary>Gets the serial number definitions.</summary>
    public IReadOnlyList<SerialDefinition> Serials { get; init; } = [];

    /// <summary>Gets the dynamic-data slots.</summary>
    public IReadOnlyList<DynamicSlot> DynamicSlots { get; init; } = [];

    /// <summary>Gets the restrictions.</summary>
    public Restrictions Restrictions { get; init; } = Restrictions.None;

    /// <summary>Gets the cloud binding (JOB images only).</summary>
    public CloudBinding? Binding { get; init; }

    /// <summary>Gets the folder relative input paths are resolved against.</summary>
    public string BaseDirectory => System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(FilePath)) ?? ".";

    /// <summary>Gets the line each field path was read from, for locating later validation errors.</summary>
    internal IReadOnlyDictionary<string, int> FieldLines { get; init; } = new Dictionary<string, int>();

    /// <summary>
    /// Gets the input files held in memory, by the path the project writes (a project opened from
    /// an object bundle); <see langword="null"/> when inputs are read from disk.
    /// </summary>
    internal IReadOnlyDictionary<string, byte[]>? EmbeddedFiles { get; init; }

    /// <summary>Returns the full path of an input path as the project file writes it.</summary>
    /// <param name="path">A path relative to the project file's folder, or absolute.</param>
    /// <returns>The full path.</returns>
    public string ResolvePath(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return System.IO.Path.GetFullPath(System.IO.Path.Combine(BaseDirectory, path));
    }

    /// <summary>
    /// Enumerates every input file the project names (firmware, test code, algorithm), with the
    /// field path that names it, in document order.
    /// </summary>
    /// <returns>The field path and the path as written.</returns>
    public IEnumerable<(string FieldPath, string Path)> InputFiles()
    {
        for (int i = 0; i < Firmware.Count; i++) yield return ($"firmware[{i}].path", Firmware[i].Path);
        if (AlgorithmPath is not null) yield return ("algorithm", AlgorithmPath);
        for (int i = 0; i < Script.Count; i++)
        {
            if (Script[i].TestCode is { } test) yield return ($"script[{i}].path", test.Path);
        }
    }
}
