using System.Globalization;
using System.Text;
using Imprint.Devices;
using Imprint.Projects.Internal;

namespace Imprint.Projects;

/// <summary>
/// Writes a commented starter project for a device: one firmware input, a serial number and a
/// dynamic-data slot in the last sector of the device's flash, and a script that erases,
/// programs, verifies, writes the serial, reads the part's ID into the log and resets.
/// </summary>
public static class ProjectTemplate
{
    /// <summary>Returns the text of a starter <c>imprint.yaml</c>.</summary>
    /// <remarks>
    /// The serial number goes at the start of the last 4 KiB of the first flash region (the last
    /// sector when sectors are larger, or when the flash is under 32 KiB), and the dynamic slot
    /// 256 bytes after it; for the LM3S6965 that is 0x0003F000, where the sample firmware reads
    /// its serial number.
    /// </remarks>
    /// <param name="device">The device the project programs.</param>
    /// <param name="name">The project's name.</param>
    /// <param name="firmwarePath">The firmware input's path, relative to the project file.</param>
    /// <returns>The YAML text; it loads with <see cref="ProjectReader"/> and passes validation once the firmware exists and stays clear of the last flash sector.</returns>
    /// <exception cref="ArgumentException">The device has no flash region with sectors.</exception>
    public static string Create(Device device, string name, string firmwarePath)
    {
        ArgumentNullException.ThrowIfNull(device);
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(firmwarePath);
        var flash = device.Memory.FirstOrDefault(r => r.Kind == MemoryKind.Flash && r.Sectors.Count > 0)
            ?? throw new ArgumentException($"Device {device.Name} has no flash region with sectors.", nameof(device));
        // Keep the last 4 KiB (or the last sector, when larger) free of firmware for per-unit
        // data, as the LM3S6965 sample's linker script does; a small part gives up one sector.
        var lastSector = flash.SectorAt(flash.End - 1);
        ulong reserve = flash.Size >= 32 * 1024 ? Math.Max(4096, lastSector.Size) : lastSector.Size;
        ulong serialAddress = flash.SectorAt(flash.End - reserve).Start;
        ulong slotAddress = flash.End - serialAddress >= 0x200 ? serialAddress + 0x100 : serialAddress + 0x10;
        string readLabel = ProjectValidator.DefaultReadLocation(device, "uid") is not null
            ? "uid"
            : device.IdRegisters.FirstOrDefault()?.Name ?? "";

        var y = new StringBuilder();
        Line(y, $"# Imprint project: everything an image needs to program a {device.Name}.");
        Line(y, "# Build an image:   imprint build imprint.yaml -o image.imp");
        Line(y, "# Keep the inputs:  imprint bundle imprint.yaml -o project.impobj");
        Line(y, "# Reference: docs/project-format.md. Numbers may be decimal, 0x hex or sizes (4K).");
        Line(y, "");
        Line(y, $"name: {Quote(name)}");
        Line(y, $"description: {Quote($"{device.Name} starter project")}");
        Line(y, "type: sap                 # sap: stand-alone; job: cloud-connected (needs the cloud section below)");
        Line(y, $"device: {device.Name,-17} # a name from `imprint device list`");
        Line(y, "");
        Line(y, "connection:");
        Line(y, $"  interface: {ProjectNames.Of(device.DefaultInterface)}            # swd | jtag");
        Line(y, $"  clockKhz: {device.DefaultClockKhz.ToString(CultureInfo.InvariantCulture)}");
        Line(y, "");
        Line(y, "power:");
        Line(y, "  voltage: 0                # volts the station supplies; 0 = the target powers itself");
        Line(y, "  powerOnDelayMs: 0");
        Line(y, "  powerOffAfter: false");
        Line(y, "");
        Line(y, "# Firmware inputs, merged into one memory image: Intel HEX, S-record, ELF or raw");
        Line(y, "# binary (a binary also needs `format: bin` and `base: 0x...`). Paths are relative");
        Line(y, "# to this file.");
        Line(y, "firmware:");
        Line(y, $"  - path: {Quote(firmwarePath)}");
        Line(y, "");
        Line(y, "# Serial numbers: one per unit, never the same number twice. Units of every image");
        Line(y, "# naming the same pool share one sequence.");
        Line(y, "serials:");
        Line(y, "  - name: sn");
        Line(y, "    pool: default");
        Line(y, $"    address: {Numbers.Address(serialAddress)}     # near the end of flash, kept free of firmware");
        Line(y, "    width: 4");
        Line(y, "    encoding: binary-le     # binary-le | binary-be | ascii-dec | ascii-hex | bcd");
        Line(y, "    start: 1");
        Line(y, "    step: 1");
        Line(y, "    # format: \"SN-{0:D6}\"   # ascii-dec / ascii-hex only: fixed text around the digits");
        Line(y, "");
        Line(y, "# Dynamic data: bytes supplied for each unit when programming (`--data mac=HEX`).");
        Line(y, "dynamic:");
        Line(y, "  - name: mac");
        Line(y, $"    address: {Numbers.Address(slotAddress)}");
        Line(y, "    length: 6");
        Line(y, "");
        Line(y, "# The steps a station runs for each unit, in order.");
        Line(y, "script:");
        Line(y, "  - erase: sectors          # sectors (firmware, serials, slots) | chip | { mode: range, address, length }");
        Line(y, "  - program");
        Line(y, "  - verify: readback        # readback | checksum");
        Line(y, "  - program-serial: sn");
        Line(y, "  # - program-dynamic: mac  # requires data for 'mac' for every unit");
        if (readLabel.Length > 0)
        {
            Line(y, $"  - read-data: {readLabel,-12}# logged with the unit: the device's ID, or {{ label, address, length }}");
        }
        else
        {
            Line(y, "  # - read-data: { label: id, address: 0x..., length: 4 }   # logged with the unit");
        }

        Line(y, "  - reset");
        Line(y, "");
        Line(y, "# restrictions:            # checked by the station (sap) or the cloud (job)");
        Line(y, "#   maxCount: 1000");
        Line(y, "#   validFrom: 2025-01-01");
        Line(y, "#   validUntil: 2025-12-31");
        Line(y, "");
        Line(y, "# cloud:                   # job images only: the account and virtual factory they run in");
        Line(y, "#   account: my-account");
        Line(y, "#   factory: my-factory");
        Line(y, "#   url: https://cloud.example.com");
        return y.ToString();
    }

    private static void Line(StringBuilder y, string text) => y.Append(text).Append('\n');

    // Double-quoted YAML scalar, so names with ':' or '#' stay text.
    private static string Quote(string text)
    {
        var s = new StringBuilder("\"");
        foreach (char c in text)
        {
            s.Append(c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                '\n' => "\\n",
                '\t' => "\\t",
                < ' ' => $"\\x{(int)c:X2}",
                _ => c.ToString(),
            });
        }

        return s.Append('"').ToString();
    }
}
