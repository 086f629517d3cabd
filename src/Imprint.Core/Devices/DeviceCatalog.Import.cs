using System.Text;
using Imprint.Devices.Cmsis;

namespace Imprint.Devices;

/// <content>Importing CMSIS packs into a user's device folder.</content>
public sealed partial class DeviceCatalog
{
    /// <summary>
    /// Imports the devices of a CMSIS pack (<c>.pdsc</c> or <c>.pack</c>) into a device folder:
    /// one <c>NAME.yaml</c> per device and the <c>.FLM</c> algorithm files they use, each written
    /// atomically. Every device is checked before anything is written.
    /// </summary>
    /// <param name="packPath">The <c>.pdsc</c> or <c>.pack</c> file.</param>
    /// <param name="device">One device or variant to import, or <see langword="null"/> for all.</param>
    /// <param name="userDirectory">The folder, or <see langword="null"/> for <see cref="DefaultUserDirectory"/>.</param>
    /// <param name="ct">Cancels the import.</param>
    /// <returns>What was written, with the warnings of the import.</returns>
    /// <exception cref="DeviceException">The pack is malformed, has no such device, or another file in the folder already describes an imported device.</exception>
    public static async Task<DeviceImport> ImportAsync(string packPath, string? device, string? userDirectory, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(packPath);
        string folder = Path.GetFullPath(userDirectory ?? DefaultUserDirectory);
        var pack = await PackReader.ReadAsync(packPath, device, ct).ConfigureAwait(false);
        var warnings = pack.Warnings.ToList();
        string label = $"{pack.Vendor} {pack.Name}".Trim();
        string[] comment =
        [
            $"Imported by `imprint device import` from {pack.FileName}{(label.Length > 0 ? $" ({label})" : "")}.",
            "Sector layouts, page sizes and erased values come from the pack's flash algorithms;",
            "a flash region without sectors had no algorithm file at import. Program granularity",
            "is not stated in CMSIS packs and is 1 here: correct it if the part needs more.",
        ];

        // Check every device as it will be read back before writing anything.
        var devices = new List<Device>();
        foreach (var imported in pack.Devices)
        {
            string fileName = imported.Name + ".yaml";
            try
            {
                devices.Add(DeviceReader.Read(DeviceWriter.Write(imported, comment), fileName));
            }
            catch (DeviceException ex)
            {
                throw new DeviceException($"{pack.FileName}: device {imported.Name} cannot be stored ({ex.Message})", ex);
            }

            if (BuiltIn.Find(imported.Name) is not null)
            {
                warnings.Add($"{imported.Name} from {pack.FileName} replaces the built-in device of that name wherever {folder} is loaded.");
            }
        }

        RefuseOtherDescriptions(folder, devices);
        var algorithms = pack.Algorithms.ToDictionary(a => a.FileName, a => a.Content, StringComparer.Ordinal);
        var files = await DeviceWriter.SaveAsync(folder, devices, algorithms, comment, ct).ConfigureAwait(false);
        return new DeviceImport(folder, devices, files, pack.MissingAlgorithms, warnings);
    }

    // A second file describing the same device would make the folder fail to load.
    private static void RefuseOtherDescriptions(string folder, List<Device> devices)
    {
        if (!Directory.Exists(folder)) return;
        var names = devices.Select(d => d.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var targets = devices.Select(d => d.Name + ".yaml").ToHashSet(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(folder, "*.y*ml"))
        {
            string fileName = Path.GetFileName(file);
            if (fileName.StartsWith('.') || targets.Contains(fileName) || new FileInfo(file).Length > DeviceReader.MaxFileBytes) continue;
            Device existing;
            try
            {
                existing = DeviceReader.Read(File.ReadAllText(file, Encoding.UTF8), fileName);
            }
            catch (DeviceException)
            {
                continue; // loading the folder reports it; it does not stand in the import's way
            }

            if (names.Contains(existing.Name))
            {
                throw new DeviceException($"{fileName} in {folder} already describes {existing.Name}; remove it before importing the device again.");
            }
        }
    }
}
