using System.IO.Compression;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Imprint.Devices;
using Imprint.Images.Internal;
using Imprint.IO;

namespace Imprint.Projects;

/// <summary>
/// The object bundle (<c>.impobj</c>): a non-executable zip archive that keeps a project file,
/// every input it names (firmware, test code, flash algorithm) and the device description, so
/// the same image can be regenerated later, as SAP or JOB, with other keys or restrictions.
/// The layout is documented in <c>docs/project-format.md</c>.
/// </summary>
public static class ObjectBundle
{
    /// <summary>The conventional file extension.</summary>
    public const string Extension = ".impobj";

    /// <summary>The bundle format version this library writes and reads.</summary>
    public const int FormatVersion = 1;

    /// <summary>The name of the manifest entry.</summary>
    public const string ManifestEntry = "imprint-bundle.json";

    /// <summary>The name of the device description entry.</summary>
    public const string DeviceEntry = "device.yaml";

    /// <summary>The largest bundle accepted, in bytes, and the largest total of its entries.</summary>
    public const long MaxBytes = 1L << 30;

    private const string FormatName = "imprint-object-bundle";
    private const int MaxEntries = 4096;
    private const int MaxManifestBytes = 1 << 20;

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingDefault,
    };

    /// <summary>
    /// Checks <paramref name="project"/> (resolving it against <paramref name="catalog"/>) and writes
    /// it, its inputs and its device description to <paramref name="path"/> atomically.
    /// </summary>
    /// <param name="project">The project, read from disk.</param>
    /// <param name="catalog">The device catalog.</param>
    /// <param name="path">The bundle to write; replaced if it exists, untouched on failure.</param>
    /// <param name="time">The clock for the creation time; <see langword="null"/> for the system clock.</param>
    /// <param name="ct">Cancels the work.</param>
    /// <returns>The manifest written.</returns>
    /// <exception cref="ProjectException">The project breaks a rule or an input is missing.</exception>
    public static async Task<BundleManifest> WriteAsync(Project project, DeviceCatalog catalog, string path, TimeProvider? time = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(project);
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(path);
        var resolved = await project.ResolveAsync(catalog, ct).ConfigureAwait(false);
        var device = resolved.Spec.Device;

        byte[] projectBytes = project.EmbeddedFiles is null
            ? await File.ReadAllBytesAsync(project.FilePath, ct).ConfigureAwait(false)
            : throw new ArgumentException("The project was opened from a bundle; write the bundle file itself.", nameof(project));

        // Every input once, by the path the project writes, in document order.
        var entries = new List<(BundleFile File, byte[] Bytes)>();
        foreach (var (field, inputPath) in project.InputFiles())
        {
            if (entries.Exists(e => e.File.Path == inputPath)) continue;
            byte[] bytes = await File.ReadAllBytesAsync(project.ResolvePath(inputPath), ct).ConfigureAwait(false);
            entries.Add((Describe(field, inputPath, entries.Count, bytes, fromCatalog: false), bytes));
        }

        if (project.AlgorithmPath is null && resolved.Sections.FirstOrDefault(s => s.Name == Project.AlgorithmSectionName) is { } algorithm)
        {
            string name = Path.GetFileName(catalog.GetAlgorithmPath(device));
            entries.Add((Describe("algorithm", name, entries.Count, algorithm.Data.ToArray(), fromCatalog: true), algorithm.Data.ToArray()));
        }

        var manifest = new BundleManifest(
            FormatVersion,
            (time ?? TimeProvider.System).GetUtcNow(),
            ToolVersion,
            project.Name,
            project.DisplayName,
            device.Name,
            device.Source,
            [.. entries.Select(e => e.File)]);

        await AtomicFile.WriteAsync(Path.GetFullPath(path), null, async stream =>
        {
            await using var zip = await ZipArchive.CreateAsync(stream, ZipArchiveMode.Create, leaveOpen: true, entryNameEncoding: null, ct).ConfigureAwait(false);
            await AddAsync(zip, ManifestEntry, JsonSerializer.SerializeToUtf8Bytes(new ManifestDocument(FormatName, manifest), Json), ct).ConfigureAwait(false);
            await AddAsync(zip, ProjectEntry(project.DisplayName), projectBytes, ct).ConfigureAwait(false);
            await AddAsync(zip, DeviceEntry, Encoding.UTF8.GetBytes(DeviceWriter.Write(device)), ct).ConfigureAwait(false);
            foreach (var (file, bytes) in entries) await AddAsync(zip, file.Entry, bytes, ct).ConfigureAwait(false);
        }).ConfigureAwait(false);
        return manifest;
    }

    /// <summary>
    /// Reads a bundle into memory, checking every entry against the SHA-256 its manifest records.
    /// </summary>
    /// <param name="path">The bundle.</param>
    /// <param name="ct">Cancels the work.</param>
    /// <returns>The project (its inputs served from the bundle), the device and the manifest.</returns>
    /// <exception cref="BundleException">The file is not a bundle, is damaged, or is of a newer format.</exception>
    /// <exception cref="ProjectException">The bundled project file is malformed.</exception>
    public static async Task<OpenedBundle> OpenAsync(string path, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(path);
        string name = Path.GetFileName(path);
        var info = new FileInfo(path);
        if (!info.Exists) throw new FileNotFoundException($"Could not find bundle '{path}'.", path);
        if (info.Length > MaxBytes) throw new BundleException($"{name} is {info.Length} bytes; an object bundle may be at most {MaxBytes} bytes.");

        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 4096, FileOptions.Asynchronous);
        ZipArchive zip;
        try
        {
            zip = await ZipArchive.CreateAsync(stream, ZipArchiveMode.Read, leaveOpen: true, entryNameEncoding: null, ct).ConfigureAwait(false);
        }
        catch (InvalidDataException ex)
        {
            throw new BundleException($"{name} is not an object bundle (not a zip archive).", ex);
        }

        await using (zip.ConfigureAwait(false))
        {
            try
            {
                return await ReadAsync(zip, path, name, ct).ConfigureAwait(false);
            }
            catch (InvalidDataException ex)
            {
                throw new BundleException($"{name} is damaged: {ex.Message.TrimEnd('.')}.", ex);
            }
        }
    }

    private static async Task<OpenedBundle> ReadAsync(ZipArchive zip, string path, string name, CancellationToken ct)
    {
        if (zip.Entries.Count > MaxEntries) throw new BundleException($"{name} holds {zip.Entries.Count} entries; an object bundle holds at most {MaxEntries}.");
        long budget = MaxBytes;
        byte[] manifestBytes = await ReadEntryAsync(zip, name, ManifestEntry, MaxManifestBytes, ct).ConfigureAwait(false)
            ?? throw new BundleException($"{name} is not an object bundle (it has no {ManifestEntry}).");
        var manifest = ParseManifest(manifestBytes, name);

        byte[] projectBytes = await RequireAsync(zip, name, ProjectEntry(manifest.ProjectFile), ProjectReader.MaxFileSize, ct).ConfigureAwait(false);
        byte[] deviceBytes = await RequireAsync(zip, name, DeviceEntry, MaxManifestBytes, ct).ConfigureAwait(false);
        Device device;
        try
        {
            device = DeviceReader.Read(Encoding.UTF8.GetString(deviceBytes), $"{name}/{DeviceEntry}") with { Source = manifest.DeviceSource };
        }
        catch (DeviceException ex)
        {
            throw new BundleException($"{name} holds a damaged device description: {ex.Message.TrimEnd('.')}.", ex);
        }

        var files = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var file in manifest.Files)
        {
            if (file.Length < 0 || file.Length > budget) throw new BundleException($"{name}: entry '{file.Entry}' is larger than an object bundle may hold.");
            byte[] bytes = await RequireAsync(zip, name, file.Entry, file.Length, ct).ConfigureAwait(false);
            budget -= bytes.Length;
            if (bytes.Length != file.Length || Convert.ToHexStringLower(SHA256.HashData(bytes)) != file.Sha256)
            {
                throw new BundleException($"{name}: entry '{file.Entry}' does not match the length and SHA-256 its manifest records; the bundle is damaged.");
            }

            files[file.Path] = bytes;
        }

        string displayName = $"{name}/{manifest.ProjectFile}";
        var project = ProjectReader.Parse(projectBytes, Path.Combine(Path.GetFullPath(path), manifest.ProjectFile), displayName);
        var catalogAlgorithm = manifest.Files.FirstOrDefault(f => f.FromCatalog);
        project = project with
        {
            EmbeddedFiles = files,
            AlgorithmPath = catalogAlgorithm?.Path ?? project.AlgorithmPath,
        };
        return new OpenedBundle(project, device, manifest);
    }

    private static BundleManifest ParseManifest(byte[] bytes, string name)
    {
        ManifestDocument? document;
        try
        {
            document = JsonSerializer.Deserialize<ManifestDocument>(bytes, Json);
        }
        catch (JsonException ex)
        {
            throw new BundleException($"{name} has a damaged {ManifestEntry}: {ex.Message.TrimEnd('.')}.", ex);
        }

        if (document?.Format != FormatName || document.Bundle is null)
        {
            throw new BundleException($"{name} is not an object bundle ({ManifestEntry} does not say format '{FormatName}').");
        }

        var manifest = document.Bundle;
        if (manifest.Version > FormatVersion)
        {
            throw new BundleException($"{name} is bundle format version {manifest.Version}; this tool reads version {FormatVersion} and older.");
        }

        if (manifest.ProjectFile is null || manifest.Files is null || manifest.DeviceSource is null
            || manifest.Files.Any(f => f?.Path is null || f.Entry is null || f.Sha256 is null || f.Field is null)
            || manifest.ProjectFile.Contains('/', StringComparison.Ordinal))
        {
            throw new BundleException($"{name} has an incomplete {ManifestEntry}.");
        }

        return manifest;
    }

    private static async Task<byte[]> RequireAsync(ZipArchive zip, string name, string entry, long limit, CancellationToken ct) =>
        await ReadEntryAsync(zip, name, entry, limit, ct).ConfigureAwait(false)
            ?? throw new BundleException($"{name} is damaged: entry '{entry}' is missing.");

    // Reads at most limit bytes: the zip's declared length is not trusted.
    private static async Task<byte[]?> ReadEntryAsync(ZipArchive zip, string name, string entry, long limit, CancellationToken ct)
    {
        var zipEntry = zip.GetEntry(entry);
        if (zipEntry is null) return null;
        if (zipEntry.Length > limit) throw new BundleException($"{name}: entry '{entry}' is {zipEntry.Length} bytes, more than the {limit} expected.");
        await using var source = await zipEntry.OpenAsync(ct).ConfigureAwait(false);
        using var buffer = new MemoryStream((int)Math.Min(zipEntry.Length, limit));
        var chunk = new byte[81920];
        int n;
        while ((n = await source.ReadAsync(chunk, ct).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + n > limit) throw new BundleException($"{name}: entry '{entry}' holds more than the {limit} bytes expected.");
            buffer.Write(chunk, 0, n);
        }

        return buffer.ToArray();
    }

    private static async Task AddAsync(ZipArchive zip, string name, byte[] bytes, CancellationToken ct)
    {
        var entry = zip.CreateEntry(name, CompressionLevel.Optimal);
        await using var target = await entry.OpenAsync(ct).ConfigureAwait(false);
        await target.WriteAsync(bytes, ct).ConfigureAwait(false);
    }

    private static BundleFile Describe(string field, string path, int index, byte[] bytes, bool fromCatalog)
    {
        string fileName = new([.. Path.GetFileName(path).Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' ? c : '_')]);
        if (fileName.Length == 0 || fileName.Length > 100) fileName = "file";
        return new BundleFile(field, path, $"inputs/{index}/{fileName}", bytes.Length, Convert.ToHexStringLower(SHA256.HashData(bytes)), fromCatalog);
    }

    private static string ProjectEntry(string projectFile) => "project/" + projectFile;

    private static string ToolVersion =>
        "imprint " + (typeof(ObjectBundle).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0");

    private sealed record ManifestDocument(string Format, BundleManifest Bundle);
}
