using System.Globalization;
using Imprint.Devices;
using Imprint.Memory;
using static Imprint.Projects.Internal.MemoryRanges;

namespace Imprint.Projects.Internal;

/// <content>The rules that need the device, the firmware and the test code.</content>
internal sealed partial class ProjectValidator
{
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
}
