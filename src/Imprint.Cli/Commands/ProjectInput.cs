using System.CommandLine;
using Imprint.Devices;
using Imprint.Projects;

namespace Imprint.Cli.Commands;

/// <summary>A project read from its YAML file or from an object bundle, ready to resolve.</summary>
internal sealed record ProjectInput(Project Project, Device? BundledDevice, DeviceCatalog? Catalog, BundleManifest? Bundle)
{
    public static Option<string?> DevicesOption() =>
        new("--devices") { Description = "Folder of imported device files (default: $IMPRINT_HOME/devices)." };

    public static async Task<ProjectInput> LoadAsync(string path, string? devicesDirectory, CancellationToken ct)
    {
        if (IsBundle(path))
        {
            var opened = await ObjectBundle.OpenAsync(path, ct);
            return new ProjectInput(opened.Project, opened.Device, null, opened.Manifest);
        }

        if (Directory.Exists(path)) path = Path.Combine(path, "imprint.yaml");
        if (!File.Exists(path)) throw new ImprintException($"{path}: no such project file.");
        var project = ProjectReader.Load(path);
        return new ProjectInput(project, null, DeviceCatalog.Load(devicesDirectory), null);
    }

    public Task<ResolvedProject> ResolveAsync(Project project, CancellationToken ct) =>
        BundledDevice is not null ? project.ResolveAsync(BundledDevice, ct) : project.ResolveAsync(Catalog!, ct);

    /// <summary>Prints every problem of a project, one "error: …" line each.</summary>
    public static async Task<int> ReportAsync(ProjectException ex)
    {
        foreach (var line in ex.Lines()) await Console.Error.WriteLineAsync("error: " + line);
        return 1;
    }

    // A bundle is a zip archive; look at the content, not only the extension.
    private static bool IsBundle(string path)
    {
        if (path.EndsWith(ObjectBundle.Extension, StringComparison.OrdinalIgnoreCase)) return true;
        if (!File.Exists(path)) return false;
        Span<byte> magic = stackalloc byte[4];
        using var stream = File.OpenRead(path);
        return stream.ReadAtLeast(magic, 4, throwOnEndOfStream: false) == 4 && magic.SequenceEqual("PK\u0003\u0004"u8);
    }
}
