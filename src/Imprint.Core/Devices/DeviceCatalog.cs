using System.Reflection;
using System.Text;

namespace Imprint.Devices;

/// <summary>
/// The devices Imprint knows: the built-in catalog (YAML files embedded in the library) plus
/// the devices a user imported into a folder (<see cref="DefaultUserDirectory"/> by default).
/// A user's device replaces a built-in one of the same name.
/// </summary>
public sealed partial class DeviceCatalog
{
    private const string ResourcePrefix = "Imprint.Devices.Catalog.";
    private static readonly Lazy<DeviceCatalog> BuiltInCatalog = new(LoadBuiltIn);

    private readonly Dictionary<string, Device> _byName;
    private readonly Dictionary<string, string> _folders;

    private DeviceCatalog(Dictionary<string, Device> byName, Dictionary<string, string> folders)
    {
        _byName = byName;
        _folders = folders;
        Devices = [.. byName.Values.OrderBy(d => d.Name, StringComparer.OrdinalIgnoreCase)];
    }

    /// <summary>Gets the built-in catalog.</summary>
    public static DeviceCatalog BuiltIn => BuiltInCatalog.Value;

    /// <summary>
    /// Gets the folder of the user's imported devices: <c>$IMPRINT_HOME/devices</c> when
    /// <c>IMPRINT_HOME</c> is set, otherwise <c>~/.local/share/imprint/devices</c>.
    /// </summary>
    public static string DefaultUserDirectory => Imprint.IO.ImprintHome.Combine("devices");

    /// <summary>Gets every device, ordered by name.</summary>
    public IReadOnlyList<Device> Devices { get; }

    /// <summary>
    /// Loads the built-in catalog plus every <c>*.yaml</c> device file in a folder.
    /// </summary>
    /// <param name="userDirectory">The folder, or <see langword="null"/> for <see cref="DefaultUserDirectory"/>. A missing folder adds nothing.</param>
    /// <returns>The combined catalog.</returns>
    /// <exception cref="DeviceException">A device file is malformed, two files describe the same device, or an algorithm file a device names is missing.</exception>
    public static DeviceCatalog Load(string? userDirectory)
    {
        string folder = Path.GetFullPath(userDirectory ?? DefaultUserDirectory);
        var builtIn = BuiltIn;
        var byName = new Dictionary<string, Device>(builtIn._byName, StringComparer.OrdinalIgnoreCase);
        var folders = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var fileOf = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (!Directory.Exists(folder)) return new DeviceCatalog(byName, folders);

        var files = Directory.EnumerateFiles(folder)
            .Where(f => !Path.GetFileName(f).StartsWith('.') && (f.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".yml", StringComparison.OrdinalIgnoreCase)))
            .Order(StringComparer.Ordinal);
        foreach (var file in files)
        {
            string fileName = Path.GetFileName(file);
            if (new FileInfo(file).Length > DeviceReader.MaxFileBytes)
            {
                throw new DeviceException($"{fileName} is larger than {DeviceReader.MaxFileBytes / 1024} KiB; a device file is a few KiB.");
            }

            var device = DeviceReader.Read(File.ReadAllText(file, Encoding.UTF8), fileName);
            if (fileOf.TryGetValue(device.Name, out var other))
            {
                throw new DeviceException($"{fileName}: device '{device.Name}' is also described by {other} in {folder}.");
            }

            foreach (var algorithm in device.Memory.Select(r => r.Algorithm).Append(device.Algorithm).OfType<string>().Distinct(StringComparer.Ordinal))
            {
                if (!File.Exists(Path.Combine(folder, algorithm)))
                {
                    throw new DeviceException($"{fileName}: algorithm file '{algorithm}' was not found beside it in {folder}.");
                }
            }

            fileOf[device.Name] = fileName;
            folders[device.Name] = folder;
            byName[device.Name] = device;
        }

        return new DeviceCatalog(byName, folders);
    }

    /// <summary>Returns the device with this name (case-insensitive), or <see langword="null"/>.</summary>
    /// <param name="name">The device name.</param>
    /// <returns>The device, or <see langword="null"/> when the catalog has none of that name.</returns>
    public Device? Find(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return _byName.GetValueOrDefault(name);
    }

    /// <summary>Returns the device with this name (case-insensitive).</summary>
    /// <param name="name">The device name.</param>
    /// <returns>The device.</returns>
    /// <exception cref="DeviceException">The catalog has no device of that name.</exception>
    public Device Get(string name) =>
        Find(name) ?? throw new DeviceException($"unknown device '{name}'; run `imprint device list` to see the catalog.");

    /// <summary>
    /// Returns the path of a flash algorithm file that a device of this catalog names.
    /// </summary>
    /// <param name="device">A device of this catalog.</param>
    /// <param name="algorithm">The algorithm file name (a region's <see cref="MemoryRegion.Algorithm"/>), or <see langword="null"/> for the device's <see cref="Device.Algorithm"/>.</param>
    /// <returns>The full path of the <c>.FLM</c> file; read it with <see cref="Cmsis.FlmReader.ReadFileAsync"/>.</returns>
    /// <exception cref="DeviceException">The device names no such algorithm or did not come from a device folder.</exception>
    public string GetAlgorithmPath(Device device, string? algorithm = null)
    {
        ArgumentNullException.ThrowIfNull(device);
        string? name = algorithm ?? device.Algorithm;
        if (name is null || (name != device.Algorithm && !device.Memory.Any(r => r.Algorithm == name)))
        {
            throw new DeviceException($"device '{device.Name}' has no flash algorithm{(algorithm is null ? "" : $" named '{algorithm}'")}.");
        }

        if (!_folders.TryGetValue(device.Name, out var folder))
        {
            throw new DeviceException($"device '{device.Name}' was not loaded from a device folder, so its algorithm file '{name}' cannot be found.");
        }

        return Path.Combine(folder, name);
    }

    private static DeviceCatalog LoadBuiltIn()
    {
        var assembly = typeof(DeviceCatalog).Assembly;
        var byName = new Dictionary<string, Device>(StringComparer.OrdinalIgnoreCase);
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            string fileName = resource[ResourcePrefix.Length..];
            var device = DeviceReader.Read(ReadResource(assembly, resource), fileName) with { Source = "built-in" };
            if (!byName.TryAdd(device.Name, device))
            {
                throw new DeviceException($"{fileName}: device '{device.Name}' is described twice in the built-in catalog.");
            }
        }

        return new DeviceCatalog(byName, new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase));
    }

    private static string ReadResource(Assembly assembly, string name)
    {
        using var stream = assembly.GetManifestResourceStream(name) ?? throw new InvalidOperationException($"resource {name} is missing.");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }
}
