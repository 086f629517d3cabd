namespace Imprint.Devices.Cmsis;

/// <summary>
/// The devices of a CMSIS pack (a <c>.pdsc</c> description, or a <c>.pack</c> archive holding
/// one with its flash algorithms), turned into <see cref="Device"/> records. Read one with
/// <see cref="PackReader"/>.
/// </summary>
public sealed record CmsisPack
{
    /// <summary>Gets the file the pack was read from (for example <c>Keil.STM32F4xx_DFP.pdsc</c>).</summary>
    public required string FileName { get; init; }

    /// <summary>Gets the pack vendor (<c>package/vendor</c>).</summary>
    public string Vendor { get; init; } = "";

    /// <summary>Gets the pack name (<c>package/name</c>).</summary>
    public string Name { get; init; } = "";

    /// <summary>Gets the devices, in the order the description lists them.</summary>
    public required IReadOnlyList<Device> Devices { get; init; }

    /// <summary>Gets the orderable variants, mapped to the name of the device they belong to.</summary>
    public IReadOnlyDictionary<string, string> Variants { get; init; } = new Dictionary<string, string>();

    /// <summary>Gets the flash algorithms that were found and read; devices name them by <see cref="PackAlgorithm.FileName"/>.</summary>
    public IReadOnlyList<PackAlgorithm> Algorithms { get; init; } = [];

    /// <summary>Gets the algorithm files the description names that were not found, as written in it.</summary>
    public IReadOnlyList<string> MissingAlgorithms { get; init; } = [];

    /// <summary>Gets what a user should know about the import: missing algorithms, facts left out, layouts that did not fit.</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];

    /// <summary>Returns a device by its name or the name of one of its variants (case-insensitive).</summary>
    /// <param name="name">A device or variant name.</param>
    /// <returns>The device, or <see langword="null"/>.</returns>
    public Device? Find(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var device = Devices.FirstOrDefault(d => string.Equals(d.Name, name, StringComparison.OrdinalIgnoreCase));
        if (device is not null) return device;
        var variant = Variants.FirstOrDefault(v => string.Equals(v.Key, name, StringComparison.OrdinalIgnoreCase));
        return variant.Value is { } parent ? Devices.FirstOrDefault(d => d.Name == parent) : null;
    }
}
