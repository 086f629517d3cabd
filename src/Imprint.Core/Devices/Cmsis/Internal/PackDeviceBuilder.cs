using Imprint.Devices.Internal;

namespace Imprint.Devices.Cmsis.Internal;

/// <summary>
/// Turns the devices of a parsed pdsc into <see cref="Device"/> records: memories become
/// regions, each flash region takes its sector layout, page size and erased value from the
/// flash algorithm that programs it (when its file was found), and algorithm ranges outside
/// every memory (option bytes, OTP, external flash) become regions of their own.
/// </summary>
internal sealed class PackDeviceBuilder
{
    private readonly string _fileName;
    private readonly Dictionary<string, PackAlgorithm?> _algorithms = new(StringComparer.OrdinalIgnoreCase);
    private readonly IReadOnlyDictionary<string, ReadOnlyMemory<byte>> _files;
    private readonly Dictionary<string, List<string>> _missing = new(StringComparer.Ordinal);
    private readonly List<string> _warnings = [];

    private PackDeviceBuilder(string fileName, IReadOnlyDictionary<string, ReadOnlyMemory<byte>> files)
    {
        _fileName = fileName;
        _files = files;
    }

    public static CmsisPack Build(PdscDescription description, string fileName, IReadOnlyDictionary<string, ReadOnlyMemory<byte>> files)
    {
        var builder = new PackDeviceBuilder(fileName, new Dictionary<string, ReadOnlyMemory<byte>>(files, StringComparer.OrdinalIgnoreCase));
        var devices = new List<Device>();
        var variants = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var pdscDevice in description.Devices)
        {
            var device = builder.BuildDevice(pdscDevice);
            devices.Add(device);
            foreach (var variant in pdscDevice.Variants) variants.TryAdd(variant, device.Name);
        }

        var missing = builder._missing.Select(m =>
        {
            string example = m.Value.Count == 1 ? $"device {m.Value[0]}" : $"{m.Value.Count} devices, for example {m.Value[0]}";
            return $"algorithm file {m.Key} (named by {example}) was not found; the regions it programs were imported from the pdsc alone, without a sector layout.";
        });

        return new CmsisPack
        {
            FileName = fileName,
            Vendor = description.Vendor,
            Name = description.Name,
            Devices = devices,
            Variants = variants,
            Algorithms = [.. builder._algorithms.Values.OfType<PackAlgorithm>().Where(a => devices.Any(d => Uses(d, a.FileName))).OrderBy(a => a.FileName, StringComparer.Ordinal)],
            MissingAlgorithms = [.. builder._missing.Keys],
            Warnings = [.. missing, .. builder._warnings],
        };
    }

    private static bool Uses(Device device, string algorithm) =>
        device.Algorithm == algorithm || device.Memory.Any(r => r.Algorithm == algorithm);

    private Device BuildDevice(PdscDevice d)
    {
        string name = d.Name;
        if (!DeviceReader.NamePattern().IsMatch(name))
        {
            name = Sanitize(name);
            _warnings.Add($"device '{d.Name}' is imported as {name}: device names are letters, digits, '_', '.', '+' and '-'.");
        }

        // Look every named algorithm up, used or not, so each missing file is reported.
        foreach (var algorithm in d.Algorithms) Load(algorithm.Path, name);

        var regions = new List<MemoryRegion>();
        foreach (var memory in d.Memories.OrderBy(m => m.Start))
        {
            if (!Fits(memory.Start, memory.Size))
            {
                _warnings.Add($"{name}: memory {memory.Name} (line {memory.Line}) at 0x{memory.Start:X} with size 0x{memory.Size:X} is empty or outside the 32-bit address space and was left out.");
                continue;
            }

            if (regions.FirstOrDefault(r => memory.Start < r.End && r.Start < memory.Start + memory.Size) is { } clash)
            {
                _warnings.Add($"{name}: memory {memory.Name} (line {memory.Line}) overlaps {clash.Name} and was left out.");
                continue;
            }

            var kind = IsRam(memory) ? MemoryKind.Ram : MemoryKind.Flash;
            var region = new MemoryRegion { Name = UniqueName(regions, memory.Name), Kind = kind, Start = memory.Start, Size = memory.Size, RequiresErase = kind == MemoryKind.Flash };
            regions.Add(kind == MemoryKind.Flash ? WithAlgorithm(region, AlgorithmFor(d, region), name) : region);
        }

        // Algorithms for ranges no memory states: option bytes, OTP, external flash.
        foreach (var algorithm in d.Algorithms.OrderByDescending(a => a.IsDefault).ThenBy(a => a.Start))
        {
            if (!Fits(algorithm.Start, algorithm.Size)) continue;
            ulong end = algorithm.Start + algorithm.Size;
            if (regions.Any(r => algorithm.Start < r.End && r.Start < end)) continue;
            string stem = Path.GetFileNameWithoutExtension(PackPath.FileName(algorithm.Path.Replace('\\', '/')));
            var kind = KindFromAlgorithmName(stem);
            var region = new MemoryRegion
            {
                Name = UniqueName(regions, stem),
                Kind = kind,
                Start = algorithm.Start,
                Size = algorithm.Size,
                RequiresErase = kind != MemoryKind.Otp,
            };
            regions.Add(WithAlgorithm(region, algorithm, name));
        }

        regions.Sort((a, b) => a.Start.CompareTo(b.Start));
        var main = regions.Where(r => r.Kind == MemoryKind.Flash)
            .OrderByDescending(r => d.Memories.Any(m => m.Start == r.Start && m.IsStartup))
            .ThenByDescending(r => d.Memories.Any(m => m.Start == r.Start && m.IsDefault))
            .FirstOrDefault();
        return new Device
        {
            Name = name,
            Vendor = d.Vendor,
            Core = d.Core,
            Memory = regions,
            DefaultInterface = d.Interface ?? DebugInterface.Swd,
            DefaultClockKhz = d.ClockKhz ?? 4000,
            Voltage = d.Voltage ?? new VoltageRange(1.8, 3.6),
            FlashMethod = main?.Algorithm is null ? FlashMethod.DebugServer : FlashMethod.Algorithm,
            Algorithm = main?.Algorithm,
            Source = _fileName,
        };
    }

    private static PdscAlgorithm? AlgorithmFor(PdscDevice d, MemoryRegion region) =>
        d.Algorithms.Where(a => a.Start < region.End && region.Start < a.Start + a.Size)
            .OrderByDescending(a => a.IsDefault)
            .ThenByDescending(a => a.Start <= region.Start && a.Start + a.Size >= region.End)
            .FirstOrDefault();

    private MemoryRegion WithAlgorithm(MemoryRegion region, PdscAlgorithm? reference, string deviceName)
    {
        if (reference is null) return region;
        var algorithm = Load(reference.Path, deviceName);
        if (algorithm is null) return region;
        var flm = algorithm.Algorithm;
        var sectors = Clip(flm, region, out string? problem);
        if (sectors is null)
        {
            _warnings.Add($"{deviceName}: the sectors of {algorithm.FileName} do not fit region {region.Name} (0x{region.Start:X8}, {NumberText.HumanSize(region.Size)}): {problem}; the region has no sector layout.");
        }

        uint pageSize = NumberText.IsPowerOfTwo(flm.PageSize) && flm.PageSize <= region.Size ? flm.PageSize : 0;
        return region with
        {
            Sectors = sectors ?? [],
            PageSize = pageSize,
            ErasedValue = flm.ErasedValue,
            Algorithm = algorithm.FileName,
        };
    }

    // The algorithm's runs, clipped to the region and re-based on its start.
    private static List<SectorRun>? Clip(FlashAlgorithm flm, MemoryRegion region, out string? problem)
    {
        problem = null;
        ulong flashEnd = flm.FlashStart + flm.FlashSize;
        if (region.Start < flm.FlashStart || region.End > flashEnd)
        {
            problem = $"the algorithm programs 0x{flm.FlashStart:X8}-0x{flashEnd - 1:X8}";
            return null;
        }

        var runs = new List<SectorRun>();
        for (int i = 0; i < flm.Sectors.Count; i++)
        {
            var run = flm.Sectors[i];
            ulong runStart = flm.FlashStart + run.Offset;
            ulong runEnd = i + 1 < flm.Sectors.Count ? flm.FlashStart + flm.Sectors[i + 1].Offset : flashEnd;
            ulong from = Math.Max(runStart, region.Start), to = Math.Min(runEnd, region.End);
            if (from >= to) continue;
            if ((from - runStart) % run.Size != 0 || (to - runStart) % run.Size != 0)
            {
                problem = $"a 0x{run.Size:X}-byte sector straddles the region's bounds near 0x{(from == region.Start ? from : to):X8}";
                return null;
            }

            if (region.Kind == MemoryKind.Flash && !NumberText.IsPowerOfTwo(run.Size))
            {
                problem = $"sector size 0x{run.Size:X} is not a power of two";
                return null;
            }

            runs.Add(new SectorRun(from - region.Start, run.Size));
        }

        if (runs.Count == 0) problem = "no sector lies in the region";
        return runs.Count == 0 ? null : runs;
    }

    private PackAlgorithm? Load(string path, string deviceName)
    {
        string key = PackPath.Normalize(path) ?? path;
        if (!_algorithms.TryGetValue(key, out var algorithm))
        {
            algorithm = null;
            if (_files.TryGetValue(key, out var content))
            {
                string fileName = PackPath.FileName(key);
                if (_algorithms.Values.OfType<PackAlgorithm>().FirstOrDefault(a => string.Equals(a.FileName, fileName, StringComparison.OrdinalIgnoreCase)) is { } other)
                {
                    throw new DeviceException($"{_fileName}: algorithm files {other.Path} and {key} have the same file name, so an import cannot keep both beside the device files.");
                }

                algorithm = new PackAlgorithm(key, fileName, content, FlmReader.Read(content, fileName));
            }

            _algorithms[key] = algorithm;
        }

        if (algorithm is null)
        {
            if (!_missing.TryGetValue(path, out var users)) _missing[path] = users = [];
            if (!users.Contains(deviceName)) users.Add(deviceName);
        }

        return algorithm;
    }

    private static bool Fits(ulong start, ulong size) => size > 0 && start <= uint.MaxValue && size <= (1UL << 32) - start;

    // CMSIS access letters: r, w, x, p (peripheral), s/n/c (security). The deprecated id
    // attribute names the kind: IROMn, IRAMn.
    private static bool IsRam(PdscMemory memory) => memory.Access is { } access
        ? access.Contains('w', StringComparison.OrdinalIgnoreCase)
        : memory.Name.Contains("RAM", StringComparison.OrdinalIgnoreCase);

    private static MemoryKind KindFromAlgorithmName(string stem)
    {
        var words = stem.ToUpperInvariant().Split('_', '-', ' ', '.');
        if (words.Contains("OTP")) return MemoryKind.Otp;
        if (words.Contains("OPT") || words.Contains("OPTION") || words.Contains("OB") || words.Contains("UICR")) return MemoryKind.OptionBytes;
        return MemoryKind.Flash;
    }

    private static string UniqueName(List<MemoryRegion> regions, string name)
    {
        string baseName = Sanitize(name);
        string unique = baseName;
        for (int i = 2; regions.Any(r => string.Equals(r.Name, unique, StringComparison.OrdinalIgnoreCase)); i++) unique = $"{baseName}-{i}";
        return unique;
    }

    private static string Sanitize(string name)
    {
        var chars = name.Select(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '+' or '-' ? c : '-').ToArray();
        string text = new(chars);
        if (text.Length == 0 || !char.IsAsciiLetterOrDigit(text[0])) text = "m" + text;
        return text.Length > 60 ? text[..60] : text;
    }
}
