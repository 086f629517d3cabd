using System.Buffers.Binary;
using System.Text;
using Imprint.Devices.Cmsis.Internal;

namespace Imprint.Devices.Cmsis;

/// <summary>
/// Reads a CMSIS flash algorithm (<c>.FLM</c>): a 32-bit Arm ELF file with the code in section
/// <c>PrgCode</c>, its data in <c>PrgData</c>, the <c>FlashDevice</c> descriptor in
/// <c>DevDscr</c> and the entry points as the symbols <c>Init</c>, <c>UnInit</c>,
/// <c>EraseSector</c>, <c>ProgramPage</c> and optionally <c>EraseChip</c>, <c>Verify</c>,
/// <c>BlankCheck</c>.
/// </summary>
public static class FlmReader
{
    /// <summary>The largest algorithm file accepted; real ones are a few KiB.</summary>
    public const int MaxFileBytes = 16 << 20;

    /// <summary>The most bytes the loaded code and data may span.</summary>
    public const int MaxCodeBytes = 1 << 20;

    // FlashDevice: Vers u16, DevName char[128], DevType u16, DevAdr u32, szDev u32, szPage u32,
    // Res u32, valEmpty u8 (+3 padding), toProg u32, toErase u32, then {szSector, AddrSector}
    // pairs up to {0xFFFFFFFF, 0xFFFFFFFF}.
    private const int DescriptorHeaderSize = 160;
    private const int DeviceNameLength = 128;

    /// <summary>Reads an algorithm file.</summary>
    /// <param name="path">The <c>.FLM</c> file.</param>
    /// <param name="ct">Cancels the read.</param>
    /// <returns>The algorithm.</returns>
    /// <exception cref="DeviceException">The file is not a well-formed flash algorithm.</exception>
    public static async Task<FlashAlgorithm> ReadFileAsync(string path, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(path);
        string name = Path.GetFileName(path);
        if (new FileInfo(path).Length > MaxFileBytes) throw new DeviceException($"{name} is larger than {MaxFileBytes >> 20} MiB; a flash algorithm is a few KiB.");
        return Read(await File.ReadAllBytesAsync(path, ct).ConfigureAwait(false), name);
    }

    /// <summary>Reads an algorithm from its bytes.</summary>
    /// <param name="file">The content of the <c>.FLM</c> file.</param>
    /// <param name="fileName">The file name, used as <see cref="FlashAlgorithm.Name"/> and in error messages.</param>
    /// <returns>The algorithm.</returns>
    /// <exception cref="DeviceException">The bytes are not a well-formed flash algorithm.</exception>
    public static FlashAlgorithm Read(ReadOnlyMemory<byte> file, string fileName)
    {
        ArgumentNullException.ThrowIfNull(fileName);
        if (file.Length > MaxFileBytes) throw new DeviceException($"{fileName} is larger than {MaxFileBytes >> 20} MiB; a flash algorithm is a few KiB.");
        var elf = ElfFile.Parse(file, fileName);
        var descriptor = DescriptorBytes(elf, fileName);
        var (code, loadOffset, staticBase) = LoadImage(elf, fileName);

        uint Entry(string symbol) => EntryOffset(elf, symbol, loadOffset, code.Length, fileName) ?? throw new DeviceException($"{fileName} has no symbol '{symbol}', a mandatory entry point of a flash algorithm.");

        var d = descriptor;
        ulong start = Read32(d, 132), size = Read32(d, 136);
        uint pageSize = Read32(d, 140);
        if (size == 0) throw new DeviceException($"{fileName}: DevDscr szDev (offset 136) is 0; the algorithm programs no flash.");
        if (start + size > 1UL << 32) throw new DeviceException($"{fileName}: DevDscr flash 0x{start:X8} + 0x{size:X} ends past the 4 GiB address space.");
        if (pageSize == 0) throw new DeviceException($"{fileName}: DevDscr szPage (offset 140) is 0.");

        return new FlashAlgorithm
        {
            Name = fileName,
            DeviceName = DeviceName(d[2..(2 + DeviceNameLength)]),
            Version = BinaryPrimitives.ReadUInt16LittleEndian(d),
            DeviceType = (FlashDeviceType)BinaryPrimitives.ReadUInt16LittleEndian(d[130..]),
            FlashStart = start,
            FlashSize = size,
            PageSize = pageSize,
            ErasedValue = d[148],
            ProgramPageTimeoutMs = Read32(d, 152),
            EraseSectorTimeoutMs = Read32(d, 156),
            Sectors = ReadSectors(d, fileName),
            Code = code,
            LoadOffset = loadOffset,
            StaticBase = staticBase,
            EntryPoints = new FlashAlgorithmEntryPoints(
                Entry("Init"),
                Entry("UnInit"),
                Entry("EraseSector"),
                Entry("ProgramPage"),
                EntryOffset(elf, "EraseChip", loadOffset, code.Length, fileName),
                EntryOffset(elf, "Verify", loadOffset, code.Length, fileName),
                EntryOffset(elf, "BlankCheck", loadOffset, code.Length, fileName)),
        };
    }

    // The DevDscr section; linkers that rename it still export the FlashDevice symbol.
    private static ReadOnlySpan<byte> DescriptorBytes(ElfFile elf, string fileName)
    {
        ReadOnlySpan<byte> bytes;
        if (elf.Section("DevDscr") is { } section)
        {
            bytes = elf.Contents(section);
        }
        else if (elf.Symbol("FlashDevice") is { } symbol && symbol.SectionIndex < elf.Sections.Count
            && elf.Sections[symbol.SectionIndex] is var holder && symbol.Value >= holder.Address && symbol.Value - holder.Address < (uint)elf.Contents(holder).Length)
        {
            bytes = elf.Contents(holder)[(int)(symbol.Value - holder.Address)..];
        }
        else
        {
            throw new DeviceException($"{fileName} has no DevDscr section (the FlashDevice descriptor), so it is not a CMSIS flash algorithm.");
        }

        if (bytes.Length < DescriptorHeaderSize + 8)
        {
            throw new DeviceException($"{fileName}: the FlashDevice descriptor is {bytes.Length} bytes, shorter than the {DescriptorHeaderSize + 8} bytes of a descriptor with one sector run.");
        }

        return bytes;
    }

    private static List<SectorRun> ReadSectors(ReadOnlySpan<byte> d, string fileName)
    {
        var runs = new List<SectorRun>();
        for (int at = DescriptorHeaderSize; ; at += 8)
        {
            if (at + 8 > d.Length) throw new DeviceException($"{fileName}: the FlashDevice sector list has no 0xFFFFFFFF end marker before the end of DevDscr ({d.Length} bytes).");
            uint size = Read32(d, at), offset = Read32(d, at + 4);
            if (size == uint.MaxValue && offset == uint.MaxValue) break;
            int index = (at - DescriptorHeaderSize) / 8;
            if (size == 0) throw new DeviceException($"{fileName}: FlashDevice sector run {index} (DevDscr offset {at}) has size 0.");
            if (runs.Count == 0 && offset != 0) throw new DeviceException($"{fileName}: FlashDevice sector run 0 starts at offset 0x{offset:X}, not 0.");
            if (runs.Count > 0 && offset <= runs[^1].Offset)
            {
                throw new DeviceException($"{fileName}: FlashDevice sector run {index} (offset 0x{offset:X}) does not start after run {index - 1} (offset 0x{runs[^1].Offset:X}).");
            }

            runs.Add(new SectorRun(offset, size));
        }

        return runs.Count > 0 ? runs : throw new DeviceException($"{fileName}: the FlashDevice sector list is empty.");
    }

    // Lays PrgCode, PrgData (initialized) and PrgData (zero-initialized) out by link address.
    private static (byte[] Code, uint LoadOffset, uint StaticBase) LoadImage(ElfFile elf, string fileName)
    {
        var code = elf.Sections.FirstOrDefault(s => s.Name == "PrgCode" && s.Type == ElfSection.ProgBits)
            ?? throw new DeviceException($"{fileName} has no PrgCode section, so it holds no algorithm code.");
        var parts = elf.Sections.Where(s => s.Name is "PrgCode" or "PrgData" && s.Type is ElfSection.ProgBits or ElfSection.NoBits && s.Size > 0)
            .OrderBy(s => s.Address).ToList();
        uint start = parts.Min(s => s.Address);
        ulong end = parts.Max(s => (ulong)s.Address + s.Size);
        if (end - start > MaxCodeBytes) throw new DeviceException($"{fileName}: PrgCode and PrgData span 0x{end - start:X} bytes, more than the {MaxCodeBytes >> 10} KiB a flash algorithm may use.");
        var image = new byte[end - start];
        for (int i = 0; i < parts.Count; i++)
        {
            if (i > 0 && parts[i].Address < (ulong)parts[i - 1].Address + parts[i - 1].Size)
            {
                throw new DeviceException($"{fileName}: section {parts[i].Name} at 0x{parts[i].Address:X8} overlaps {parts[i - 1].Name} at 0x{parts[i - 1].Address:X8}.");
            }

            elf.Contents(parts[i]).CopyTo(image.AsSpan((int)(parts[i].Address - start)));
        }

        var data = parts.FirstOrDefault(s => s.Name == "PrgData");
        uint staticBase = data is null ? (uint)(code.Address + code.Size - start) : data.Address - start;
        return (image, start, staticBase);
    }

    private static uint? EntryOffset(ElfFile elf, string name, uint loadOffset, int codeLength, string fileName)
    {
        if (elf.Symbol(name) is not { } symbol) return null;
        uint address = symbol.Value & ~1u; // Thumb functions have bit 0 set
        if (address < loadOffset || address - loadOffset >= (uint)codeLength)
        {
            throw new DeviceException($"{fileName}: entry point {name} at 0x{address:X8} lies outside the algorithm's code (0x{loadOffset:X8}, {codeLength} bytes).");
        }

        return address - loadOffset;
    }

    private static string DeviceName(ReadOnlySpan<byte> raw)
    {
        int end = raw.IndexOf((byte)0);
        var text = Encoding.Latin1.GetString(end < 0 ? raw : raw[..end]);
        return new string([.. text.Where(c => !char.IsControl(c))]).Trim();
    }

    private static uint Read32(ReadOnlySpan<byte> span, int at) => BinaryPrimitives.ReadUInt32LittleEndian(span[at..]);
}
