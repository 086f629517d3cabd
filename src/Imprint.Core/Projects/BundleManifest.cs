namespace Imprint.Projects;

/// <summary>What an object bundle holds, as its <c>imprint-bundle.json</c> entry records it.</summary>
/// <param name="Version">The bundle format version (<see cref="ObjectBundle.FormatVersion"/>).</param>
/// <param name="CreatedAt">When the bundle was made.</param>
/// <param name="ToolVersion">The tool that made it, for example <c>imprint 0.1.0</c>.</param>
/// <param name="ProjectName">The project's name.</param>
/// <param name="ProjectFile">The project file's original name, for example <c>imprint.yaml</c>.</param>
/// <param name="DeviceName">The device's name.</param>
/// <param name="DeviceSource">Where the device description came from when the bundle was made (for example <c>built-in</c>).</param>
/// <param name="Files">Every input file held.</param>
public sealed record BundleManifest(
    int Version,
    DateTimeOffset CreatedAt,
    string ToolVersion,
    string ProjectName,
    string ProjectFile,
    string DeviceName,
    string DeviceSource,
    IReadOnlyList<BundleFile> Files);

/// <summary>One input file held in an object bundle.</summary>
/// <param name="Field">The project field that names it, for example <c>firmware[0].path</c>, or <c>algorithm</c> for a flash algorithm taken from the device catalog.</param>
/// <param name="Path">The path as the project writes it (for a catalog algorithm, its file name).</param>
/// <param name="Entry">The zip entry holding it.</param>
/// <param name="Length">Its length in bytes.</param>
/// <param name="Sha256">Its SHA-256, lower-case hex.</param>
/// <param name="FromCatalog">Whether it came from the device catalog rather than from the project.</param>
public sealed record BundleFile(string Field, string Path, string Entry, long Length, string Sha256, bool FromCatalog = false);
