using System.IO.Compression;
using System.Text;
using Imprint.Devices.Cmsis.Internal;

namespace Imprint.Devices.Cmsis;

/// <summary>
/// Reads CMSIS-Pack device descriptions: a <c>.pdsc</c> file (its flash algorithms are looked
/// up relative to it) or a <c>.pack</c> archive (a zip holding the <c>.pdsc</c> and the
/// algorithms). Algorithm files that cannot be found are listed in
/// <see cref="CmsisPack.MissingAlgorithms"/> and the memory map is imported anyway.
/// </summary>
public static class PackReader
{
    /// <summary>The largest pack description accepted.</summary>
    public const int MaxPdscBytes = 64 << 20;

    /// <summary>Reads a <c>.pdsc</c> file or a <c>.pack</c> archive.</summary>
    /// <param name="path">The file.</param>
    /// <param name="ct">Cancels the read.</param>
    /// <returns>The devices it describes.</returns>
    /// <exception cref="DeviceException">The file is missing, is not a pack description or archive, or is malformed.</exception>
    public static Task<CmsisPack> ReadAsync(string path, CancellationToken ct) => ReadAsync(path, null, ct);

    /// <summary>Reads one device (or all) of a <c>.pdsc</c> file or a <c>.pack</c> archive.</summary>
    /// <param name="path">The file.</param>
    /// <param name="device">A device or variant name (case-insensitive), or <see langword="null"/> for every device. Only the algorithms this device names are read, and only its problems are reported.</param>
    /// <param name="ct">Cancels the read.</param>
    /// <returns>The selected devices.</returns>
    /// <exception cref="DeviceException">The file is missing or malformed, or has no such device.</exception>
    public static async Task<CmsisPack> ReadAsync(string path, string? device, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(path);
        string fileName = Path.GetFileName(path);
        if (!File.Exists(path)) throw new DeviceException($"{path} was not found.");
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 4096, FileOptions.Asynchronous);
        var magic = new byte[4];
        int got = await stream.ReadAtLeastAsync(magic, magic.Length, throwOnEndOfStream: false, ct).ConfigureAwait(false);
        stream.Position = 0;
        return got == 4 && magic is [(byte)'P', (byte)'K', 3, 4]
            ? await ReadArchiveAsync(stream, fileName, device, ct).ConfigureAwait(false)
            : await ReadDescriptionFileAsync(stream, path, device, ct).ConfigureAwait(false);
    }

    /// <summary>Reads a pack description from its text, with the algorithm files at hand.</summary>
    /// <param name="pdsc">The <c>.pdsc</c> XML.</param>
    /// <param name="fileName">The file name used in messages and as each device's <see cref="Device.Source"/>.</param>
    /// <param name="algorithmFiles">Algorithm file contents by their path relative to the pdsc (for example <c>CMSIS/Flash/STM32F4xx_1024.FLM</c>).</param>
    /// <returns>The devices it describes.</returns>
    /// <exception cref="DeviceException">The text is not a well-formed pack description, or an algorithm file is malformed.</exception>
    public static CmsisPack Read(string pdsc, string fileName, IReadOnlyDictionary<string, ReadOnlyMemory<byte>> algorithmFiles)
    {
        ArgumentNullException.ThrowIfNull(pdsc);
        ArgumentNullException.ThrowIfNull(fileName);
        ArgumentNullException.ThrowIfNull(algorithmFiles);
        var description = PdscParser.Parse(pdsc, fileName);
        var files = new Dictionary<string, ReadOnlyMemory<byte>>(StringComparer.OrdinalIgnoreCase);
        foreach (var (path, content) in algorithmFiles)
        {
            if (PackPath.Normalize(path) is { } key) files[key] = content;
        }

        return PackDeviceBuilder.Build(description, fileName, files);
    }

    private static async Task<CmsisPack> ReadDescriptionFileAsync(FileStream stream, string path, string? device, CancellationToken ct)
    {
        string fileName = Path.GetFileName(path);
        if (stream.Length > MaxPdscBytes) throw new DeviceException($"{fileName} is larger than {MaxPdscBytes >> 20} MiB, too large for a pack description.");
        string xml;
        using (var reader = new StreamReader(stream, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, leaveOpen: true))
        {
            xml = await reader.ReadToEndAsync(ct).ConfigureAwait(false);
        }

        var description = Select(PdscParser.Parse(xml, fileName), device, fileName);
        string root = Path.GetDirectoryName(Path.GetFullPath(path))!;
        var files = new Dictionary<string, ReadOnlyMemory<byte>>(StringComparer.OrdinalIgnoreCase);
        foreach (var algorithm in description.Devices.SelectMany(d => d.Algorithms).Select(a => a.Path).Distinct(StringComparer.OrdinalIgnoreCase))
        {
            if (PackPath.Normalize(algorithm) is not { } key || files.ContainsKey(key)) continue;
            if (FindFile(root, key) is { } file)
            {
                if (new FileInfo(file).Length > FlmReader.MaxFileBytes) throw new DeviceException($"{key} is larger than {FlmReader.MaxFileBytes >> 20} MiB; a flash algorithm is a few KiB.");
                files[key] = await File.ReadAllBytesAsync(file, ct).ConfigureAwait(false);
            }
        }

        return PackDeviceBuilder.Build(description, fileName, files);
    }

    private static async Task<CmsisPack> ReadArchiveAsync(FileStream stream, string fileName, string? device, CancellationToken ct)
    {
        ZipArchive zip;
        try
        {
            zip = await ZipArchive.CreateAsync(stream, ZipArchiveMode.Read, leaveOpen: true, entryNameEncoding: null, ct).ConfigureAwait(false);
        }
        catch (InvalidDataException ex)
        {
            throw new DeviceException($"{fileName} is not a readable pack archive: {ex.Message}", ex);
        }

        await using (zip.ConfigureAwait(false))
        {
            try
            {
                var entries = new Dictionary<string, ZipArchiveEntry>(StringComparer.OrdinalIgnoreCase);
                foreach (var entry in zip.Entries)
                {
                    if (PackPath.Normalize(entry.FullName) is { } key) entries.TryAdd(key, entry);
                }

                var descriptions = entries.Where(e => e.Key.EndsWith(".pdsc", StringComparison.OrdinalIgnoreCase)).ToList();
                var top = descriptions.Where(e => !e.Key.Contains('/', StringComparison.Ordinal)).ToList();
                if (top.Count > 0) descriptions = top;
                if (descriptions.Count == 0) throw new DeviceException($"{fileName} holds no .pdsc pack description.");
                if (descriptions.Count > 1)
                {
                    throw new DeviceException($"{fileName} holds {descriptions.Count} pack descriptions ({string.Join(", ", descriptions.Select(d => d.Key))}); a pack holds one.");
                }

                var (pdscPath, pdscEntry) = descriptions[0];
                string label = $"{fileName}/{pdscPath}";
                string xml = Encoding.UTF8.GetString(await ReadEntryAsync(pdscEntry, MaxPdscBytes, label, ct).ConfigureAwait(false));
                var description = Select(PdscParser.Parse(xml, label), device, fileName);
                string folder = pdscPath.Contains('/', StringComparison.Ordinal) ? pdscPath[..pdscPath.LastIndexOf('/')] + "/" : "";
                var files = new Dictionary<string, ReadOnlyMemory<byte>>(StringComparer.OrdinalIgnoreCase);
                foreach (var algorithm in description.Devices.SelectMany(d => d.Algorithms).Select(a => a.Path).Distinct(StringComparer.OrdinalIgnoreCase))
                {
                    if (PackPath.Normalize(algorithm) is not { } key || files.ContainsKey(key)) continue;
                    if (entries.TryGetValue(folder + key, out var entry))
                    {
                        files[key] = await ReadEntryAsync(entry, FlmReader.MaxFileBytes, $"{fileName}/{key}", ct).ConfigureAwait(false);
                    }
                }

                return PackDeviceBuilder.Build(description, fileName, files);
            }
            catch (InvalidDataException ex)
            {
                throw new DeviceException($"{fileName} is a damaged pack archive: {ex.Message}", ex);
            }
        }
    }

    private static PdscDescription Select(PdscDescription description, string? device, string fileName)
    {
        if (device is null) return description;
        var match = description.Devices.FirstOrDefault(d => string.Equals(d.Name, device, StringComparison.OrdinalIgnoreCase))
            ?? description.Devices.FirstOrDefault(d => d.Variants.Contains(device, StringComparer.OrdinalIgnoreCase))
            ?? throw new DeviceException($"{fileName} has no device or variant named '{device}'.");
        return description with { Devices = [match] };
    }

    private static async Task<byte[]> ReadEntryAsync(ZipArchiveEntry entry, int limit, string label, CancellationToken ct)
    {
        if (entry.Length > limit) throw new DeviceException($"{label} is larger than {limit >> 20} MiB.");
        var stream = await entry.OpenAsync(ct).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            // The declared length can lie; never read more than the limit.
            using var buffer = new MemoryStream();
            var chunk = new byte[81920];
            int n;
            while ((n = await stream.ReadAsync(chunk, ct).ConfigureAwait(false)) > 0)
            {
                if (buffer.Length + n > limit) throw new DeviceException($"{label} is larger than {limit >> 20} MiB.");
                buffer.Write(chunk, 0, n);
            }

            return buffer.ToArray();
        }
    }

    // Pack paths were often written on Windows: fall back to a case-insensitive match per part.
    private static string? FindFile(string root, string relative)
    {
        string exact = Path.Combine(root, relative.Replace('/', Path.DirectorySeparatorChar));
        if (File.Exists(exact)) return exact;
        string current = root;
        var parts = relative.Split('/');
        for (int i = 0; i < parts.Length; i++)
        {
            if (!Directory.Exists(current)) return null;
            var match = (i == parts.Length - 1 ? Directory.EnumerateFiles(current) : Directory.EnumerateDirectories(current))
                .FirstOrDefault(p => string.Equals(Path.GetFileName(p), parts[i], StringComparison.OrdinalIgnoreCase));
            if (match is null) return null;
            current = match;
        }

        return current;
    }
}
