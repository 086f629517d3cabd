using System.CommandLine;
using System.Globalization;
using System.Text;
using Imprint.Devices;

namespace Imprint.Cli.Commands;

/// <summary><c>imprint device list|show|import</c>: the device catalog and CMSIS-Pack import.</summary>
internal static class DeviceCommand
{
    public static Command Create()
    {
        var command = new Command("device", "List and show the devices Imprint knows, and import more from CMSIS packs.");
        command.Subcommands.Add(List());
        command.Subcommands.Add(Show());
        command.Subcommands.Add(Import());
        return command;
    }

    private static Option<string?> DirOption() =>
        new("--dir") { Description = "The folder of imported devices (default: $IMPRINT_HOME/devices or ~/.local/share/imprint/devices)." };

    private static Option<bool> JsonOption() => new("--json") { Description = "Print one JSON document." };

    private static Command List()
    {
        var dir = DirOption();
        var json = JsonOption();
        var command = new Command("list", "List the built-in and imported devices.") { Options = { dir, json } };
        CliAction.Set(command, (parse, _) =>
        {
            var devices = DeviceCatalog.Load(parse.GetValue(dir)).Devices;
            if (parse.GetValue(json))
            {
                CliAction.WriteJson(devices.Select(d => new DeviceSummary(d.Name, d.Vendor, d.Core, Total(d, MemoryKind.Flash), Total(d, MemoryKind.Ram), d.FlashMethod, d.Source)));
                return Task.FromResult(0);
            }

            var rows = devices.Select(d => new[] { d.Name, d.Vendor, d.Core, Human(Total(d, MemoryKind.Flash)), Human(Total(d, MemoryKind.Ram)), Method(d.FlashMethod), d.Source }).ToList();
            Console.Out.Write(Table(["NAME", "VENDOR", "CORE", "FLASH", "RAM", "FLASH METHOD", "SOURCE"], rows));
            return Task.FromResult(0);
        });
        return command;
    }

    private static Command Show()
    {
        var name = new Argument<string>("name") { Description = "The device name (case-insensitive)." };
        var dir = DirOption();
        var json = JsonOption();
        var command = new Command("show", "Show a device's memory map and settings.") { Arguments = { name }, Options = { dir, json } };
        CliAction.Set(command, (parse, _) =>
        {
            var device = DeviceCatalog.Load(parse.GetValue(dir)).Get(parse.GetValue(name)!);
            if (parse.GetValue(json))
            {
                CliAction.WriteJson(DeviceDocument.From(device));
            }
            else
            {
                Console.Out.Write(Describe(device));
            }

            return Task.FromResult(0);
        });
        return command;
    }

    private static Command Import()
    {
        var pack = new Argument<string>("pack") { Description = "A CMSIS pack description (.pdsc) or pack archive (.pack)." };
        var device = new Option<string?>("--device") { Description = "Import only this device (or the device of this variant)." };
        var dir = DirOption();
        var json = JsonOption();
        var command = new Command("import", "Import devices from a CMSIS pack into the device folder.") { Arguments = { pack }, Options = { device, dir, json } };
        CliAction.Set(command, async (parse, ct) =>
        {
            var result = await DeviceCatalog.ImportAsync(parse.GetValue(pack)!, parse.GetValue(device), parse.GetValue(dir), ct);
            if (parse.GetValue(json))
            {
                CliAction.WriteJson(new ImportDocument(result.Directory, [.. result.Devices.Select(d => d.Name)], result.Files, result.MissingAlgorithms, result.Warnings));
                return 0;
            }

            foreach (var warning in result.Warnings) await Console.Error.WriteLineAsync("warning: " + warning);
            int algorithms = result.Files.Count - result.Devices.Count;
            Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"imported {Count(result.Devices.Count, "device")}{(algorithms > 0 ? $" and {Count(algorithms, "flash algorithm")}" : "")} into {result.Directory}."));
            return 0;
        });
        return command;
    }

    private static string Describe(Device d)
    {
        var w = new StringBuilder();
        w.AppendLine(CultureInfo.InvariantCulture, $"{d.Name}: {string.Join(", ", new[] { d.Vendor, d.Core }.Where(s => s.Length > 0))} ({d.Source})");
        w.AppendLine(CultureInfo.InvariantCulture, $"  interface     {d.DefaultInterface.ToString().ToUpperInvariant()} at {d.DefaultClockKhz} kHz, {d.Voltage.Min.ToString(CultureInfo.InvariantCulture)}-{d.Voltage.Max.ToString(CultureInfo.InvariantCulture)} V");
        w.AppendLine(CultureInfo.InvariantCulture, $"  flash method  {Method(d.FlashMethod)}{(d.Algorithm is null ? "" : $" ({d.Algorithm})")}");
        w.AppendLine(CultureInfo.InvariantCulture, $"  unique ID     {(d.UniqueId is { } u ? $"{Count(u.Length, "byte")} at 0x{u.Address:X8}" : "none")}");
        if (d.IdRegisters.Count > 0)
        {
            w.AppendLine(CultureInfo.InvariantCulture, $"  id registers  {string.Join(", ", d.IdRegisters.Select(r => $"{r.Name} at 0x{r.Address:X8} ({Count(r.Length, "byte")})"))}");
        }

        w.AppendLine("  memory:");
        var rows = d.Memory.Select(r => new[]
        {
            r.Name, Kind(r.Kind), $"0x{r.Start:X8}-0x{r.End - 1:X8}", Human(r.Size), Layout(r),
        }).ToList();
        foreach (var line in Table(["NAME", "KIND", "RANGE", "SIZE", "LAYOUT"], rows).Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            w.Append("    ").AppendLine(line);
        }

        return w.ToString();
    }

    private static string Layout(MemoryRegion r)
    {
        if (r.Kind is MemoryKind.Ram or MemoryKind.Rom) return "";
        var parts = new List<string>();
        if (r.Sectors.Count > 0)
        {
            parts.Add("sectors " + string.Join(", ", r.Sectors.Select((s, i) =>
                $"{((i + 1 < r.Sectors.Count ? r.Sectors[i + 1].Offset : r.Size) - s.Offset) / s.Size} x {Human(s.Size)}")));
        }
        else
        {
            parts.Add(r.Kind == MemoryKind.Flash ? "sectors unknown" : "no sectors");
        }

        if (r.PageSize > 0) parts.Add("page " + Human(r.PageSize));
        parts.Add($"erased 0x{r.ErasedValue:X2}");
        if (r.ProgramGranularity > 1) parts.Add($"writes of {r.ProgramGranularity} bytes");
        if (!r.RequiresErase) parts.Add("no erase needed");
        if (r.WriteProtected) parts.Add("write-protected");
        if (r.Algorithm is { } a) parts.Add(a);
        return string.Join("; ", parts);
    }

    private static string Table(string[] header, List<string[]> rows)
    {
        var widths = header.Select((h, i) => Math.Max(h.Length, rows.Count == 0 ? 0 : rows.Max(r => r[i].Length))).ToArray();
        var w = new StringBuilder();
        foreach (var row in rows.Prepend(header))
        {
            w.AppendLine(string.Join("  ", row.Select((cell, i) => i == row.Length - 1 ? cell : cell.PadRight(widths[i]))).TrimEnd());
        }

        return w.ToString();
    }

    private static ulong Total(Device d, MemoryKind kind) => d.Memory.Where(r => r.Kind == kind).Aggregate(0UL, (sum, r) => sum + r.Size);

    private static string Human(ulong bytes) => bytes switch
    {
        0 => "-",
        >= 1 << 20 when bytes % (1 << 20) == 0 => $"{bytes >> 20} MiB",
        >= 1 << 10 when bytes % (1 << 10) == 0 => $"{bytes >> 10} KiB",
        _ => $"{bytes} B",
    };

    private static string Count(int n, string noun) => n == 1 ? $"1 {noun}" : $"{n} {noun}s";

    private static string Method(FlashMethod method) => method switch
    {
        FlashMethod.DebugServer => "debug-server",
        FlashMethod.MemoryWrites => "memory-writes",
        _ => "algorithm",
    };

    private static string Kind(MemoryKind kind) => kind switch
    {
        MemoryKind.OptionBytes => "option-bytes",
        _ => kind.ToString().ToLowerInvariant(),
    };

    private sealed record DeviceSummary(string Name, string Vendor, string Core, ulong FlashBytes, ulong RamBytes, FlashMethod FlashMethod, string Source);

    private sealed record ImportDocument(string Directory, IReadOnlyList<string> Devices, IReadOnlyList<string> Files, IReadOnlyList<string> MissingAlgorithms, IReadOnlyList<string> Warnings);

    private sealed record SectorRunDocument(ulong Offset, ulong Size, ulong Count);

    private sealed record RegionDocument(
        string Name, MemoryKind Kind, ulong Start, ulong Size, IReadOnlyList<SectorRunDocument> Sectors,
        uint PageSize, byte ErasedValue, uint ProgramGranularity, bool RequiresErase, bool WriteProtected, string? Algorithm);

    private sealed record DeviceDocument(
        string Name, string Vendor, string Core, string Source, DebugInterface Interface, int ClockKhz, VoltageRange Voltage,
        FlashMethod FlashMethod, string? Algorithm, UniqueIdLocation? UniqueId, IReadOnlyList<DeviceRegister> IdRegisters, IReadOnlyList<RegionDocument> Memory)
    {
        public static DeviceDocument From(Device d) => new(
            d.Name, d.Vendor, d.Core, d.Source, d.DefaultInterface, d.DefaultClockKhz, d.Voltage, d.FlashMethod, d.Algorithm, d.UniqueId, d.IdRegisters,
            [.. d.Memory.Select(r => new RegionDocument(
                r.Name, r.Kind, r.Start, r.Size,
                [.. r.Sectors.Select((s, i) => new SectorRunDocument(s.Offset, s.Size, ((i + 1 < r.Sectors.Count ? r.Sectors[i + 1].Offset : r.Size) - s.Offset) / s.Size))],
                r.PageSize, r.ErasedValue, r.ProgramGranularity, r.RequiresErase, r.WriteProtected, r.Algorithm))]);
    }
}
