using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Imprint.Devices.Internal;
using Imprint.IO;

namespace Imprint.Devices;

/// <summary>
/// Writes device descriptions in the YAML schema <see cref="DeviceReader"/> reads, so a device
/// imported from a CMSIS pack becomes an ordinary file the user can read and edit.
/// </summary>
public static partial class DeviceWriter
{
    /// <summary>Returns the YAML text of a device.</summary>
    /// <param name="device">The device.</param>
    /// <param name="comment">Optional lines written as a <c>#</c> comment at the top.</param>
    /// <returns>The text; <see cref="DeviceReader.Read"/> turns it back into an equal device.</returns>
    public static string Write(Device device, IEnumerable<string>? comment = null)
    {
        ArgumentNullException.ThrowIfNull(device);
        var w = new StringBuilder();
        foreach (var line in comment ?? []) w.Append("# ").AppendLine(line.ReplaceLineEndings(" "));
        Line(w, 0, "name", Text(device.Name));
        if (device.Vendor.Length > 0) Line(w, 0, "vendor", Text(device.Vendor));
        if (device.Core.Length > 0) Line(w, 0, "core", Text(device.Core));
        if (device.Source.Length > 0) Line(w, 0, "source", Text(device.Source));
        Line(w, 0, "interface", Name(DeviceReader.Interfaces, device.DefaultInterface));
        Line(w, 0, "clock-khz", device.DefaultClockKhz.ToString(CultureInfo.InvariantCulture));
        Line(w, 0, "voltage", $"{{ min: {Decimal(device.Voltage.Min)}, max: {Decimal(device.Voltage.Max)} }}");
        Line(w, 0, "flash-method", Name(DeviceReader.FlashMethods, device.FlashMethod));
        if (device.Algorithm is { } algorithm) Line(w, 0, "algorithm", Text(algorithm));
        if (device.UniqueId is { } uid) Line(w, 0, "unique-id", $"{{ address: {NumberText.Address(uid.Address)}, length: {uid.Length} }}");
        if (device.IdRegisters.Count > 0)
        {
            w.AppendLine("id-registers:");
            foreach (var r in device.IdRegisters)
            {
                w.Append(CultureInfo.InvariantCulture, $"  - {{ name: {Text(r.Name)}, address: {NumberText.Address(r.Address)}, length: {r.Length} }}").AppendLine();
            }
        }

        w.AppendLine("memory:");
        foreach (var region in device.Memory) WriteRegion(w, region);
        return w.ToString();
    }

    /// <summary>
    /// Writes devices as <c>NAME.yaml</c> and their flash algorithm files into a folder (created
    /// when missing), each file atomically.
    /// </summary>
    /// <param name="directory">The user's device folder.</param>
    /// <param name="devices">The devices to write.</param>
    /// <param name="algorithmFiles">Algorithm files to write beside them, by file name.</param>
    /// <param name="comment">Lines written as a comment at the top of each device file.</param>
    /// <param name="ct">Cancels the writes.</param>
    /// <returns>The paths written, device files first.</returns>
    public static async Task<IReadOnlyList<string>> SaveAsync(
        string directory,
        IEnumerable<Device> devices,
        IReadOnlyDictionary<string, ReadOnlyMemory<byte>> algorithmFiles,
        IEnumerable<string>? comment,
        CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(directory);
        ArgumentNullException.ThrowIfNull(devices);
        ArgumentNullException.ThrowIfNull(algorithmFiles);
        Directory.CreateDirectory(directory);
        var lines = comment?.ToList() ?? [];
        var written = new List<string>();
        foreach (var device in devices)
        {
            string path = Path.Combine(directory, device.Name + ".yaml");
            await AtomicFile.WriteAsync(path, Encoding.UTF8.GetBytes(Write(device, lines)), cancellationToken: ct).ConfigureAwait(false);
            written.Add(path);
        }

        foreach (var (name, content) in algorithmFiles.OrderBy(a => a.Key, StringComparer.Ordinal))
        {
            if (Path.GetFileName(name) != name) throw new ArgumentException($"'{name}' is not a plain file name.", nameof(algorithmFiles));
            string path = Path.Combine(directory, name);
            await AtomicFile.WriteAsync(path, content, cancellationToken: ct).ConfigureAwait(false);
            written.Add(path);
        }

        return written;
    }

    private static void WriteRegion(StringBuilder w, MemoryRegion r)
    {
        w.Append("  - ");
        w.Append("name: ").AppendLine(Text(r.Name));
        Line(w, 4, "kind", Name(MemoryRegionReader.Kinds, r.Kind));
        Line(w, 4, "start", NumberText.Address(r.Start));
        Line(w, 4, "size", NumberText.Size(r.Size));
        bool programmable = r.Kind is MemoryKind.Flash or MemoryKind.Otp or MemoryKind.OptionBytes;
        if (programmable && r.Sectors.Count > 0)
        {
            w.AppendLine("    sectors:");
            for (int i = 0; i < r.Sectors.Count; i++)
            {
                ulong end = i + 1 < r.Sectors.Count ? r.Sectors[i + 1].Offset : r.Size;
                ulong count = (end - r.Sectors[i].Offset) / r.Sectors[i].Size;
                w.Append(CultureInfo.InvariantCulture, $"      - {{ size: {NumberText.Size(r.Sectors[i].Size)}, count: {count} }}").AppendLine();
            }
        }

        if (programmable && r.PageSize != 0) Line(w, 4, "page-size", NumberText.Size(r.PageSize));
        if (programmable) Line(w, 4, "erased-value", $"0x{r.ErasedValue:X2}");
        if (programmable) Line(w, 4, "program-granularity", r.ProgramGranularity.ToString(CultureInfo.InvariantCulture));
        Line(w, 4, "requires-erase", r.RequiresErase ? "true" : "false");
        if (r.WriteProtected) Line(w, 4, "write-protected", "true");
        if (programmable && r.Algorithm is { } algorithm) Line(w, 4, "algorithm", Text(algorithm));
    }

    private static void Line(StringBuilder w, int indent, string key, string value) =>
        w.Append(' ', indent).Append(key).Append(": ").AppendLine(value);

    private static string Name<T>(Dictionary<string, T> names, T value)
        where T : struct => names.First(n => EqualityComparer<T>.Default.Equals(n.Value, value)).Key;

    private static string Decimal(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    // Plain when YAML would read it back as the same string; double-quoted otherwise.
    private static string Text(string value)
    {
        if (PlainText().IsMatch(value) && !NumberText.TryParse(value, out _)
            && value.ToLowerInvariant() is not ("true" or "false" or "null" or "yes" or "no" or "on" or "off" or "y" or "n"))
        {
            return value;
        }

        var q = new StringBuilder("\"");
        foreach (char c in value)
        {
            _ = c switch
            {
                '"' => q.Append("\\\""),
                '\\' => q.Append("\\\\"),
                < ' ' or '\u007F' or '\u0085' or '\u2028' or '\u2029' => q.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:X4}"),
                _ => q.Append(c),
            };
        }

        return q.Append('"').ToString();
    }

    [GeneratedRegex(@"^[A-Za-z][A-Za-z0-9_.+()/-]*( [A-Za-z0-9_.+()/-]+)*$", RegexOptions.CultureInvariant)]
    private static partial Regex PlainText();
}
