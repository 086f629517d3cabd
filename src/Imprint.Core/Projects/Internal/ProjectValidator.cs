using System.Globalization;
using Imprint.Devices;
using Imprint.Memory;

namespace Imprint.Projects.Internal;

/// <summary>
/// Checks the rules that relate a project's fields to each other, to its device and to its
/// input files, recording every problem with its field path. The rules are listed in
/// <c>docs/project-format.md</c>.
/// </summary>
internal sealed class ProjectValidator(Project project, ErrorSink sink)
{
    public const int MaxReadLength = 65536;

    private Project P => project;

    private void Error(string path, string problem) => sink.Add(path, problem, P.FieldLines);

    /// <summary>Rules that need neither the device nor the input files.</summary>
    public void CheckRules()
    {
        CheckBinding();
        CheckRestrictions();
        CheckNames();
        CheckSerialLayouts();
        CheckOverlapsAmongDefinitions();
        CheckScriptReferences();
    }

    private void CheckBinding()
    {
        if (P.Type == ImageType.Job && P.Binding is null)
        {
            Error("cloud", "is required for a job image; give the account, factory and url it is bound to");
        }
        else if (P.Type == ImageType.Sap && P.Binding is not null)
        {
            Error("cloud", "is set but the image type is sap; a cloud binding applies only to job images");
        }

        if (P.Binding is { } b && (!Uri.TryCreate(b.CloudUrl, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")))
        {
            Error("cloud.url", $"must be an absolute http or https URL, not '{ProjectYaml.Clip(b.CloudUrl)}'");
        }
    }

    private void CheckRestrictions()
    {
        var r = P.Restrictions;
        if (r.MaxCount is <= 0) Error("restrictions.maxCount", $"is {r.MaxCount} but must be at least 1");
        if (r.ValidFrom is { } from && r.ValidUntil is { } until && from > until)
        {
            Error("restrictions.validFrom", $"({Stamp(from)}) is after restrictions.validUntil ({Stamp(until)})");
        }
    }

    private void CheckNames()
    {
        CheckNameList(P.Serials.Select(s => s.Name).ToList(), "serials");
        CheckNameList(P.DynamicSlots.Select(s => s.Name).ToList(), "dynamic");
        for (int i = 0; i < P.Serials.Count; i++)
        {
            if (!IsName(P.Serials[i].Pool)) Error($"serials[{i}].pool", $"'{ProjectYaml.Clip(P.Serials[i].Pool)}' must be letters, digits, '-', '_' or '.'");
        }
    }

    private void CheckNameList(List<string> names, string list)
    {
        for (int i = 0; i < names.Count; i++)
        {
            if (!IsName(names[i]))
            {
                Error($"{list}[{i}].name", $"'{ProjectYaml.Clip(names[i])}' must be letters, digits, '-', '_' or '.'");
                continue;
            }

            int first = names.FindIndex(n => string.Equals(n, names[i], StringComparison.OrdinalIgnoreCase));
            if (first < i) Error($"{list}[{i}].name", $"repeats the name '{names[i]}' of {list}[{first}]");
        }
    }

    private void CheckSerialLayouts()
    {
        for (int i = 0; i < P.Serials.Count; i++)
        {
            var s = P.Serials[i];
            var pattern = SerialPattern.TryParse(s, out string field, out string problem);
            if (pattern is null)
            {
                Error($"serials[{i}].{field}", problem);
                continue;
            }

            string encoding = ProjectNames.Of(s.Encoding);
            if (s.Step == 0) Error($"serials[{i}].step", "must be at least 1, or every unit would get the same number");
            if (s.Start > pattern.MaxValue)
            {
                Error($"serials[{i}].start", $"is {s.Start} but {s.Width} bytes of {encoding} hold at most {pattern.MaxValue}");
            }
            else if (P.Restrictions.MaxCount is > 0 and long count && s.Step > 0)
            {
                ulong? last = LastValue(s, count);
                if (last is null || last > pattern.MaxValue)
                {
                    Error($"serials[{i}].width", $"is {s.Width} bytes of {encoding}, which hold at most {pattern.MaxValue}, but the last of restrictions.maxCount ({count}) units needs {(last is null ? "more than 2^64" : last.Value.ToString(CultureInfo.InvariantCulture))}");
                }
            }
        }
    }

    private static ulong? LastValue(SerialDefinition s, long count)
    {
        try
        {
            return s.ValueAt(count - 1);
        }
        catch (SerialException)
        {
            return null;
        }
    }

    private void CheckOverlapsAmongDefinitions()
    {
        for (int i = 0; i < P.Serials.Count; i++)
        {
            for (int j = 0; j < i; j++)
            {
                if (Overlap(P.Serials[i].Address, P.Serials[i].End, P.Serials[j].Address, P.Serials[j].End) is { } o)
                {
                    Error($"serials[{i}].address", $"places serial '{P.Serials[i].Name}' over serial '{P.Serials[j].Name}' at {Range(o.Start, o.End)}");
                }
            }
        }

        for (int i = 0; i < P.DynamicSlots.Count; i++)
        {
            var slot = P.DynamicSlots[i];
            ulong end = slot.Address + (ulong)slot.Length;
            for (int j = 0; j < i; j++)
            {
                var other = P.DynamicSlots[j];
                if (Overlap(slot.Address, end, other.Address, other.Address + (ulong)other.Length) is { } o)
                {
                    Error($"dynamic[{i}].address", $"places slot '{slot.Name}' over slot '{other.Name}' at {Range(o.Start, o.End)}");
                }
            }

            foreach (var serial in P.Serials)
            {
                if (Overlap(slot.Address, end, serial.Address, serial.End) is { } o)
                {
                    Error($"dynamic[{i}].address", $"places slot '{slot.Name}' over serial '{serial.Name}' at {Range(o.Start, o.End)}");
                }
            }
        }
    }

    private void CheckScriptReferences()
    {
        for (int i = 0; i < P.Script.Count; i++)
        {
            var step = P.Script[i].Step;
            string at = $"script[{i}]";
            switch (step.Kind)
            {
                case StepKind.ProgramSerial when step.Name is { } name && !P.Serials.Any(s => s.Name == name):
                    Error(at + ".serial", $"names unknown serial '{ProjectYaml.Clip(name)}'{Known(P.Serials.Select(s => s.Name))}");
                    break;
                case StepKind.ProgramDynamic when step.Name is { } name && !P.DynamicSlots.Any(s => s.Name == name):
                    Error(at + ".slot", $"names unknown dynamic slot '{ProjectYaml.Clip(name)}'{Known(P.DynamicSlots.Select(s => s.Name))}");
                    break;
                case StepKind.Program or StepKind.Verify when P.Firmware.Count == 0:
                    Error(at, $"is a {ProjectNames.Of(step.Kind)} step but the project lists no firmware inputs");
                    break;
                case StepKind.Erase when step.Erase == EraseMode.Range && step.Length == 0:
                    Error(at + ".length", "must be at least 1");
                    break;
                case StepKind.BlankCheck when step.Length is 0:
                    Error(at + ".length", "must be at least 1");
                    break;
                case StepKind.ReadData when step.Length is 0 or > MaxReadLength:
                    Error(at + ".length", $"is {step.Length} but must be 1 to {MaxReadLength}");
                    break;
                case StepKind.WriteOptionBytes when step.Data is { Length: > MaxReadLength }:
                    Error(at + ".data", $"holds {step.Data.Length} bytes but may hold at most {MaxReadLength}");
                    break;
                default:
                    break;
            }
        }
    }

    /// <summary>Rules that need the device; returns the script with device defaults filled in.</summary>
    public List<ScriptStep> CheckDevice(Device device)
    {
        var power = P.Power;
        if (power.Voltage < 0 || (power.Voltage > 0 && (power.Voltage < device.Voltage.Min || power.Voltage > device.Voltage.Max)))
        {
            Error("power.voltage", $"is {Volts(power.Voltage)} V but {device.Name} runs from {Volts(device.Voltage.Min)} to {Volts(device.Voltage.Max)} V (0 means the target powers itself)");
        }

        for (int i = 0; i < P.Serials.Count; i++)
        {
            var s = P.Serials[i];
            if (!InFlash(device, s.Address, s.End))
            {
                Error($"serials[{i}].address", $"places {s.Width} bytes at {Range(s.Address, s.End)}, outside the flash of {device.Name}");
            }
        }

        for (int i = 0; i < P.DynamicSlots.Count; i++)
        {
            var slot = P.DynamicSlots[i];
            ulong end = slot.Address + (ulong)slot.Length;
            if (!InFlash(device, slot.Address, end))
            {
                Error($"dynamic[{i}].address", $"places {slot.Length} bytes at {Range(slot.Address, end)}, outside the flash of {device.Name}");
            }
        }

        var steps = new List<ScriptStep>(P.Script.Count);
        for (int i = 0; i < P.Script.Count; i++) steps.Add(CheckStep(device, P.Script[i].Step, $"script[{i}]"));
        return steps;
    }

    private ScriptStep CheckStep(Device device, ScriptStep step, string at)
    {
        switch (step.Kind)
        {
            case StepKind.Erase when step is { Erase: EraseMode.Range, Address: { } start, Length: { } length and > 0 }:
                CheckSectorAligned(device, start, start + length, at);
                break;
            case StepKind.BlankCheck when step is { Address: { } start, Length: { } length and > 0 }:
                if (!InFlash(device, start, start + length))
                {
                    Error(at + ".address", $"covers {Range(start, start + length)}, outside the flash of {device.Name}");
                }

                break;
            case StepKind.WriteOptionBytes when step is { Address: { } start, Data: { } data }:
                if (!InFlash(device, start, start + (ulong)data.Length))
                {
                    Error(at + ".address", $"places {data.Length} bytes at {Range(start, start + (ulong)data.Length)}, outside the flash and option bytes of {device.Name}");
                }

                break;
            case StepKind.ReadData when step.Address is null && step.Label is { } label:
                if (DefaultReadLocation(device, label) is { } location)
                {
                    return step with { Address = location.Address, Length = location.Length };
                }

                string registers = device.IdRegisters.Count == 0 ? "" : $" or one of its ID registers ({string.Join(", ", device.IdRegisters.Select(r => r.Name))})";
                Error(at + ".label", $"is '{ProjectYaml.Clip(label)}', which names neither the unique ID of {device.Name}{registers}; give address and length");
                break;
            default:
                break;
        }

        return step;
    }

    /// <summary>
    /// Where <c>read-data</c> reads when the step gives no address: <c>uid</c> is the device's
    /// unique ID, or failing that its ID registers when they are contiguous; a register's name
    /// reads that register.
    /// </summary>
    public static (ulong Address, ulong Length)? DefaultReadLocation(Device device, string label)
    {
        var register = device.IdRegisters.FirstOrDefault(r => string.Equals(r.Name, label, StringComparison.OrdinalIgnoreCase));
        if (register is not null) return (register.Address, (ulong)register.Length);
        if (!string.Equals(label, "uid", StringComparison.OrdinalIgnoreCase)) return null;
        if (device.UniqueId is { } uid) return (uid.Address, (ulong)uid.Length);
        if (device.IdRegisters.Count == 0) return null;
        var ordered = device.IdRegisters.OrderBy(r => r.Address).ToList();
        for (int i = 1; i < ordered.Count; i++)
        {
            if (ordered[i].Address != ordered[i - 1].Address + (ulong)ordered[i - 1].Length) return null;
        }

        return (ordered[0].Address, ordered[^1].Address + (ulong)ordered[^1].Length - ordered[0].Address);
    }

    private void CheckSectorAligned(Device device, ulong start, ulong end, string at)
    {
        if (!InFlash(device, start, end))
        {
            Error(at + ".address", $"erases {Range(start, end)}, outside the flash of {device.Name}");
            return;
        }

        var first = device.RegionAt(start)!;
        if (first.Sectors.Count > 0)
        {
            var sector = first.SectorAt(start);
            if (sector.Start != start)
            {
                Error(at + ".address", $"is {Numbers.Address(start)}, not on a sector boundary of {device.Name} (the sector there spans {Range(sector.Start, sector.Start + sector.Size)})");
            }
        }

        var last = device.RegionAt(end - 1)!;
        if (last.Sectors.Count > 0)
        {
            var sector = last.SectorAt(end - 1);
            if (sector.Start + sector.Size != end)
            {
                Error(at + ".length", $"ends the range at {Numbers.Address(end)}, not on a sector boundary of {device.Name} (the sector there spans {Range(sector.Start, sector.Start + sector.Size)})");
            }
        }
    }

    /// <summary>Rules that relate the firmware to the device, the serials and the slots.</summary>
    /// <param name="device">The device.</param>
    /// <param name="inputs">Each firmware input as read, by index; <see langword="null"/> where it could not be read.</param>
    /// <returns>The merged firmware.</returns>
    public MemoryImage CheckFirmware(Device device, IReadOnlyList<MemoryImage?> inputs)
    {
        var merged = new MemoryImage();
        for (int i = 0; i < inputs.Count; i++)
        {
            if (inputs[i] is not { } image) continue;
            string at = $"firmware[{i}].path";
            if (image.IsEmpty)
            {
                Error(at, $"names '{ProjectYaml.Clip(P.Firmware[i].Path)}', which holds no data");
                continue;
            }

            if (FirstOutsideFlash(device, image) is { } outside)
            {
                Error(at, $"places bytes at {Range(outside.Start, outside.End)}, outside the flash of {device.Name}");
            }

            try
            {
                merged.Merge(image);
            }
            catch (MemoryConflictException ex)
            {
                Error(at, $"overlaps {ex.FirstSource} with different bytes at {Numbers.Address(ex.Start)}-{Numbers.Address(ex.EndInclusive)}");
            }
        }

        for (int i = 0; i < P.Serials.Count; i++)
        {
            var s = P.Serials[i];
            if (FirstOverlap(merged, s.Address, s.End) is { } o)
            {
                Error($"serials[{i}].address", $"places serial '{s.Name}' over firmware from {merged.SourceOf(o.Start)} at {Range(o.Start, o.End)}");
            }
        }

        for (int i = 0; i < P.DynamicSlots.Count; i++)
        {
            var slot = P.DynamicSlots[i];
            if (FirstOverlap(merged, slot.Address, slot.Address + (ulong)slot.Length) is { } o)
            {
                Error($"dynamic[{i}].address", $"places slot '{slot.Name}' over firmware from {merged.SourceOf(o.Start)} at {Range(o.Start, o.End)}");
            }
        }

        return merged;
    }

    /// <summary>Checks run-test code against the device and turns it into a test program.</summary>
    /// <returns>The code's load address and bytes, or <see langword="null"/> after recording an error.</returns>
    public (ulong LoadAddress, byte[] Code, ulong Entry)? CheckTestCode(Device device, int index, TestCodeInput test, MemoryImage image, bool hasOwnAddresses)
    {
        string at = $"script[{index}]";
        if (image.IsEmpty)
        {
            Error(at + ".path", $"names '{ProjectYaml.Clip(test.Path)}', which holds no data");
            return null;
        }

        ulong load;
        if (hasOwnAddresses)
        {
            load = image.LowestAddress;
            if (test.LoadAddress is { } given && given != load)
            {
                Error(at + ".loadAddress", $"is {Numbers.Address(given)} but '{ProjectYaml.Clip(test.Path)}' places its code at {Numbers.Address(load)}; leave loadAddress out for ELF, HEX and S-record files");
                return null;
            }
        }
        else if (test.LoadAddress is { } given)
        {
            load = given;
        }
        else
        {
            Error(at + ".loadAddress", "is required for a raw binary test program");
            return null;
        }

        ulong span = image.EndAddress - image.LowestAddress;
        ulong end = load + span;
        if (!InRam(device, load, end))
        {
            Error(at + ".loadAddress", $"places {span} bytes of test code at {Range(load, end)}, outside the RAM of {device.Name}");
            return null;
        }

        ulong entry = test.Entry ?? image.EntryPoint ?? load;
        bool ok = true;
        if ((entry & ~1UL) < load || (entry & ~1UL) >= end)
        {
            Error(at + ".entry", $"is {Numbers.Address(entry)}, outside the test code at {Range(load, end)}");
            ok = false;
        }

        if ((test.Breakpoint & ~1UL) < load || (test.Breakpoint & ~1UL) >= end)
        {
            Error(at + ".breakpoint", $"is {Numbers.Address(test.Breakpoint)}, outside the test code at {Range(load, end)}");
            ok = false;
        }

        if (test.StackPointer is { } sp && !InRam(device, sp - 1, sp))
        {
            Error(at + ".stackPointer", $"is {Numbers.Address(sp)}, outside the RAM of {device.Name}");
            ok = false;
        }

        return ok ? (load, image.ToFlatArray(0), entry) : null;
    }

    private static bool IsName(string name) =>
        name.Length is > 0 and <= 64 && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');

    private static string Known(IEnumerable<string> names)
    {
        var list = names.ToList();
        return list.Count == 0 ? " (none are defined)" : $" (defined: {string.Join(", ", list)})";
    }

    private static (ulong Start, ulong End)? Overlap(ulong aStart, ulong aEnd, ulong bStart, ulong bEnd)
    {
        ulong start = Math.Max(aStart, bStart), end = Math.Min(aEnd, bEnd);
        return start < end ? (start, end) : null;
    }

    private static (ulong Start, ulong End)? FirstOverlap(MemoryImage image, ulong start, ulong end)
    {
        foreach (var segment in image.Segments)
        {
            if (segment.Start >= end) break;
            if (Overlap(segment.Start, segment.End, start, end) is { } o) return o;
        }

        return null;
    }

    private static (ulong Start, ulong End)? FirstOutsideFlash(Device device, MemoryImage image)
    {
        foreach (var segment in image.Segments)
        {
            ulong cursor = segment.Start;
            while (cursor < segment.End)
            {
                if (device.RegionAt(cursor) is { } region && IsFlash(region))
                {
                    cursor = Math.Min(region.End, segment.End);
                    continue;
                }

                // Extend the run of bytes outside flash as far as it goes in this segment.
                ulong stop = cursor;
                while (stop < segment.End)
                {
                    var here = device.RegionAt(stop);
                    if (here is not null && IsFlash(here)) break;
                    ulong next = here?.End
                        ?? device.Memory.Where(r => r.Start > stop).Select(r => r.Start).DefaultIfEmpty(segment.End).Min();
                    stop = Math.Min(next, segment.End);
                }

                return (cursor, stop);
            }
        }

        return null;
    }

    private static bool IsFlash(MemoryRegion region) => region.Kind is MemoryKind.Flash or MemoryKind.Otp or MemoryKind.OptionBytes;

    private static bool InFlash(Device device, ulong start, ulong end) => Covered(device, start, end, IsFlash);

    private static bool InRam(Device device, ulong start, ulong end) => Covered(device, start, end, r => r.Kind == MemoryKind.Ram);

    // Whether [start, end) lies wholly in regions that pass the filter, possibly several adjacent ones.
    private static bool Covered(Device device, ulong start, ulong end, Func<MemoryRegion, bool> filter)
    {
        if (end <= start) return false;
        ulong cursor = start;
        while (cursor < end)
        {
            var region = device.RegionAt(cursor);
            if (region is null || !filter(region)) return false;
            cursor = region.End;
        }

        return true;
    }

    private static string Range(ulong start, ulong end) => $"{Numbers.Address(start)}-{Numbers.Address(end - 1)}";

    private static string Volts(double v) => v.ToString("0.###", CultureInfo.InvariantCulture);

    private static string Stamp(DateTimeOffset t) => t.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
