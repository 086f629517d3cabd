using System.Text.RegularExpressions;
using Imprint.Devices.Internal;

namespace Imprint.Devices;

/// <summary>
/// Reads a device description from its YAML text (the schema is in <c>docs/devices.md</c>)
/// and checks it: every mistake is a <see cref="DeviceException"/> naming the file and the
/// field path, such as <c>lm3s.yaml: memory[1].sectors[0].size must be a power of two, not 0x300.</c>
/// </summary>
public static partial class DeviceReader
{
    /// <summary>The most bytes a device file may have; real ones are a few KiB.</summary>
    public const int MaxFileBytes = 1 << 20;

    internal static readonly Dictionary<string, DebugInterface> Interfaces = new(StringComparer.Ordinal)
    {
        ["swd"] = DebugInterface.Swd,
        ["jtag"] = DebugInterface.Jtag,
    };

    internal static readonly Dictionary<string, FlashMethod> FlashMethods = new(StringComparer.Ordinal)
    {
        ["debug-server"] = FlashMethod.DebugServer,
        ["memory-writes"] = FlashMethod.MemoryWrites,
        ["algorithm"] = FlashMethod.Algorithm,
    };

    /// <summary>Parses and checks one device description.</summary>
    /// <param name="yaml">The file's text.</param>
    /// <param name="fileName">The file name used in error messages (for example <c>lm3s.yaml</c>).</param>
    /// <returns>The device, with its memory regions in ascending address order.</returns>
    /// <exception cref="DeviceException">The text is not valid YAML or breaks a rule of the schema.</exception>
    public static Device Read(string yaml, string fileName)
    {
        ArgumentNullException.ThrowIfNull(yaml);
        ArgumentNullException.ThrowIfNull(fileName);
        if (yaml.Length > MaxFileBytes) throw new DeviceException($"{fileName} is larger than {MaxFileBytes / 1024} KiB; a device file is a few KiB.");
        var root = new YamlFields(YamlDocumentReader.Read(yaml, fileName), fileName, "");
        root.RefuseUnknown("name", "vendor", "core", "source", "interface", "clock-khz", "voltage", "flash-method", "algorithm", "unique-id", "id-registers", "memory");

        string name = root.RequiredString("name");
        if (!NamePattern().IsMatch(name))
        {
            throw root.Error("name", $"must be 1 to 64 letters, digits, '_', '.', '+' or '-' starting with a letter or digit, not '{YamlFields.Clip(name)}'.");
        }

        var method = root.OptionalChoice("flash-method", FlashMethods) ?? FlashMethod.DebugServer;
        string? algorithm = ReadAlgorithmName(root, "algorithm");
        if (method == FlashMethod.Algorithm && algorithm is null) throw root.Error("algorithm", "is required when flash-method is algorithm.");

        int clock = 4000;
        if (root.OptionalNumber("clock-khz") is { } khz)
        {
            clock = khz is >= 1 and <= 1_000_000 ? (int)khz : throw root.Error("clock-khz", $"must be between 1 and 1000000, not {khz}.");
        }

        return new Device
        {
            Name = name,
            Vendor = root.OptionalString("vendor") ?? "",
            Core = root.OptionalString("core") ?? "",
            Source = root.OptionalString("source") ?? fileName,
            DefaultInterface = root.OptionalChoice("interface", Interfaces) ?? DebugInterface.Swd,
            DefaultClockKhz = clock,
            Voltage = ReadVoltage(root),
            FlashMethod = method,
            Algorithm = algorithm,
            UniqueId = ReadUniqueId(root),
            IdRegisters = ReadIdRegisters(root),
            Memory = MemoryRegionReader.ReadAll(root),
        };
    }

    internal static string? ReadAlgorithmName(YamlFields fields, string key)
    {
        string? file = fields.OptionalString(key);
        if (file is null) return null;
        if (file.Length == 0 || file.Contains('/', StringComparison.Ordinal) || file.Contains('\\', StringComparison.Ordinal) || file is "." or "..")
        {
            throw fields.Error(fields.PathOf(key), $"must be the name of a file beside the device file, not '{YamlFields.Clip(file)}'.");
        }

        return file;
    }

    private static VoltageRange ReadVoltage(YamlFields root)
    {
        var v = root.OptionalMap("voltage");
        if (v is null) return new VoltageRange(1.8, 3.6);
        v.RefuseUnknown("min", "max");
        double min = v.OptionalDecimal("min") ?? throw v.Error(v.PathOf("min"), "is required.");
        double max = v.OptionalDecimal("max") ?? throw v.Error(v.PathOf("max"), "is required.");
        if (min is <= 0 or > 6) throw v.Error(v.PathOf("min"), $"must be above 0 and at most 6 volts, not {min}.");
        if (max is <= 0 or > 6) throw v.Error(v.PathOf("max"), $"must be above 0 and at most 6 volts, not {max}.");
        if (min > max) throw v.Error(v.PathOf("min"), $"({min}) must not be greater than voltage.max ({max}).");
        return new VoltageRange(min, max);
    }

    private static UniqueIdLocation? ReadUniqueId(YamlFields root)
    {
        var u = root.OptionalMap("unique-id");
        if (u is null) return null;
        u.RefuseUnknown("address", "length");
        ulong address = u.RequiredNumber("address");
        ulong length = u.RequiredNumber("length");
        if (length is 0 or > 64) throw u.Error(u.PathOf("length"), $"must be between 1 and 64 bytes, not {length}.");
        CheckAddressRange(u, u.PathPrefix, address, length);
        return new UniqueIdLocation(address, (int)length);
    }

    private static IReadOnlyList<DeviceRegister> ReadIdRegisters(YamlFields root)
    {
        var list = root.OptionalList("id-registers");
        if (list is null) return [];
        var registers = new List<DeviceRegister>(list.Items.Count);
        for (int i = 0; i < list.Items.Count; i++)
        {
            var r = new YamlFields(list.Items[i], root.FileName, $"id-registers[{i}]");
            r.RefuseUnknown("name", "address", "length");
            string name = r.RequiredString("name");
            ulong address = r.RequiredNumber("address");
            ulong length = r.OptionalNumber("length") ?? 4;
            if (length is not (1 or 2 or 4 or 8)) throw r.Error(r.PathOf("length"), $"must be 1, 2, 4 or 8 bytes, not {length}.");
            CheckAddressRange(r, r.PathPrefix, address, length);
            if (registers.Exists(x => x.Name == name)) throw r.Error(r.PathOf("name"), $"'{name}' is already used by another register.");
            registers.Add(new DeviceRegister(name, address, (int)length));
        }

        return registers;
    }

    internal static void CheckAddressRange(YamlFields fields, string path, ulong start, ulong length)
    {
        if (start > uint.MaxValue || length > (1UL << 32) - start)
        {
            throw fields.Error(path, $"ends past the 4 GiB address space (0x{start:X8} + 0x{length:X}).");
        }
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9_.+-]{0,63}$", RegexOptions.CultureInvariant)]
    internal static partial Regex NamePattern();
}
