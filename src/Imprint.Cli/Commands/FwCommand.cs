using System.CommandLine;
using System.Globalization;
using Imprint.Checksums;
using Imprint.Formats;
using Imprint.Memory;

namespace Imprint.Cli.Commands;

/// <summary><c>imprint fw info</c> and <c>imprint fw convert</c>: firmware files, like objcopy and srec_cat.</summary>
internal static class FwCommand
{
    public static Command Create()
    {
        var fw = new Command("fw", "Inspect and convert firmware files (Intel HEX, S-record, ELF, binary).");
        fw.Subcommands.Add(CreateInfo());
        fw.Subcommands.Add(CreateConvert());
        return fw;
    }

    private static Command CreateInfo()
    {
        var file = new Argument<string>("file") { Description = "The firmware file (format detected from its content)." };
        var json = new Option<bool>("--json") { Description = "Print one JSON document." };
        var format = FormatOption("The input's format, when detection should be overridden.", allowElf: true);
        var baseAddress = new Option<string?>("--base") { Description = "Address of a binary input's first byte (default 0)." };
        var command = new Command("info", "Show a firmware file's format, segments (start, length, CRC-32), total bytes and entry point.")
        {
            file, json, format, baseAddress,
        };
        CliAction.Set(command, (parse, _) =>
        {
            string path = parse.GetValue(file)!;
            var image = ReadInput(path, ParseFormat(parse.GetValue(format), "--format"), ParseAddress(parse.GetValue(baseAddress), "--base"), out var detected);
            var info = Describe(path, detected, image);
            if (parse.GetValue(json))
            {
                CliAction.WriteJson(info);
                return Task.FromResult(0);
            }

            Console.WriteLine($"file:     {info.File}");
            Console.WriteLine($"format:   {FormatLabel(detected)}");
            Console.WriteLine($"entry:    {(info.EntryPoint is { } e ? $"0x{e:X8}" : "none")}");
            Console.WriteLine($"total:    {info.TotalBytes} bytes in {info.Segments.Count} segment{(info.Segments.Count == 1 ? "" : "s")}");
            foreach (var s in info.Segments)
            {
                Console.WriteLine($"  0x{s.Start:X8}-0x{s.Start + (ulong)s.Length - 1:X8}  {s.Length,10} bytes  crc32 0x{s.Crc32:X8}");
            }

            return Task.FromResult(0);
        });
        return command;
    }

    private static Command CreateConvert()
    {
        var inputs = new Argument<string[]>("inputs") { Description = "Input files; several are merged (a conflicting overlap is an error).", Arity = ArgumentArity.OneOrMore };
        var output = new Option<string>("--output", "-o") { Description = "The output file, written atomically.", Required = true };
        var format = FormatOption("The output format (default: from the output's extension).", allowElf: false);
        var fill = new Option<string?>("--fill") { Description = "Gap fill byte for binary output (default 0xFF); given explicitly, also fills the gaps of hex and srec output." };
        var baseAddress = new Option<string?>("--base") { Description = "Address of the first byte of binary inputs (default 0)." };
        var perRecord = new Option<int>("--bytes-per-record") { Description = "Data bytes per hex or srec record (default 16).", DefaultValueFactory = _ => 16 };
        var json = new Option<bool>("--json") { Description = "Print a JSON summary of what was written." };
        var command = new Command("convert", "Convert and merge firmware files into Intel HEX, S-record or raw binary.")
        {
            inputs, output, format, fill, baseAddress, perRecord, json,
        };
        CliAction.Set(command, (parse, _) =>
        {
            string outPath = parse.GetValue(output)!;
            var outFormat = ParseFormat(parse.GetValue(format), "--format") ?? FormatFromOutputName(outPath);
            if (outFormat == FirmwareFormat.Elf) throw new ImprintException("--format: imprint reads ELF files but cannot write them; use hex, srec or bin.");
            string? fillText = parse.GetValue(fill);
            byte fillByte = ParseFill(fillText);
            ulong binaryBase = ParseAddress(parse.GetValue(baseAddress), "--base");
            int bytesPerRecord = parse.GetValue(perRecord);
            int maxPerRecord = outFormat == FirmwareFormat.SRecord ? FirmwareWriteOptions.MaxSRecordBytesPerRecord : FirmwareWriteOptions.MaxIntelHexBytesPerRecord;
            if (bytesPerRecord < 1 || bytesPerRecord > maxPerRecord)
            {
                throw new ImprintException($"--bytes-per-record: {bytesPerRecord} is out of range; {FormatLabel(outFormat)} records hold 1 to {maxPerRecord} data bytes.");
            }

            MemoryImage? image = null;
            foreach (var path in parse.GetValue(inputs)!)
            {
                var next = ReadInput(path, null, binaryBase, out var _);
                if (image is null) image = next;
                else image.Merge(next);
            }

            if (fillText is not null && outFormat != FirmwareFormat.Binary && image!.SegmentCount > 1)
            {
                // Like objcopy --gap-fill: one contiguous run from the lowest to the highest address.
                var filled = new MemoryImage { EntryPoint = image.EntryPoint };
                filled.Add(image.LowestAddress, image.ToFlatArray(fillByte), outPath);
                image = filled;
            }

            FirmwareFile.Write(image!, outPath, outFormat, new FirmwareWriteOptions { Fill = fillByte, BytesPerRecord = bytesPerRecord });
            if (parse.GetValue(json))
            {
                CliAction.WriteJson(Describe(outPath, outFormat, image!));
            }

            return Task.FromResult(0);
        });
        return command;
    }

    private static MemoryImage ReadInput(string path, FirmwareFormat? format, ulong binaryBase, out FirmwareFormat detected)
    {
        if (!File.Exists(path))
        {
            throw new ImprintException(Directory.Exists(path) ? $"{path} is a folder, not a firmware file." : $"{path}: no such file.");
        }

        if (format is null)
        {
            Span<byte> header = stackalloc byte[64];
            using (var stream = File.OpenRead(path))
            {
                header = header[..stream.ReadAtLeast(header, header.Length, throwOnEndOfStream: false)];
            }

            format = FirmwareFile.Detect(header, path);
        }

        detected = format.Value;
        return FirmwareFile.Read(path, format, binaryBase);
    }

    private static FirmwareInfo Describe(string path, FirmwareFormat format, MemoryImage image)
    {
        var segments = new List<SegmentInfo>(image.SegmentCount);
        foreach (var s in image.Segments)
        {
            segments.Add(new SegmentInfo(s.Start, s.Length, Crc32.Compute(s.Data.Span)));
        }

        return new FirmwareInfo(path, FormatLabel(format), image.EntryPoint, image.TotalBytes, segments);
    }

    private static Option<string?> FormatOption(string description, bool allowElf)
    {
        var option = new Option<string?>("--format") { Description = description };
        option.AcceptOnlyFromAmong(allowElf ? ["hex", "srec", "elf", "bin"] : ["hex", "srec", "bin"]);
        return option;
    }

    private static FirmwareFormat? ParseFormat(string? text, string option) => text switch
    {
        null => null,
        "hex" => FirmwareFormat.IntelHex,
        "srec" => FirmwareFormat.SRecord,
        "elf" => FirmwareFormat.Elf,
        "bin" => FirmwareFormat.Binary,
        _ => throw new ImprintException($"{option}: '{text}' is not a format; use hex, srec or bin."),
    };

    private static FirmwareFormat FormatFromOutputName(string path) =>
        FirmwareFile.FormatFromExtension(path) switch
        {
            FirmwareFormat.Elf => throw new ImprintException($"{path}: imprint reads ELF files but cannot write them; use a .hex, .srec or .bin name or --format."),
            { } f => f,
            null => throw new ImprintException($"cannot tell the output format from the name '{Path.GetFileName(path)}'; add --format hex, srec or bin."),
        };

    private static string FormatLabel(FirmwareFormat format) => format switch
    {
        FirmwareFormat.IntelHex => "hex",
        FirmwareFormat.SRecord => "srec",
        FirmwareFormat.Elf => "elf",
        _ => "bin",
    };

    private static byte ParseFill(string? text)
    {
        if (text is null) return 0xFF;
        ulong value = ParseAddress(text, "--fill");
        if (value > 0xFF) throw new ImprintException($"--fill: {text} does not fit in one byte (0x00 to 0xFF).");
        return (byte)value;
    }

    private static ulong ParseAddress(string? text, string option)
    {
        if (text is null) return 0;
        var t = text.Trim().Replace("_", "", StringComparison.Ordinal);
        bool ok = t.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
            ? ulong.TryParse(t.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out ulong value)
            : ulong.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out value);
        if (!ok) throw new ImprintException($"{option}: '{text}' is not a number (use decimal or 0x-prefixed hex).");
        if (value > uint.MaxValue) throw new ImprintException($"{option}: {text} is beyond the 32-bit address space.");
        return value;
    }

    private sealed record FirmwareInfo(string File, string Format, ulong? EntryPoint, long TotalBytes, IReadOnlyList<SegmentInfo> Segments);

    private sealed record SegmentInfo(ulong Start, int Length, uint Crc32);
}
