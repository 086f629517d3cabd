using System.Globalization;
using Imprint.Devices;
using Imprint.Memory;
using Imprint.Projects;
using Imprint.Station.Internal;
using Imprint.Station.Records;
using Imprint.Targets;

namespace Imprint.Station.Execution;

// One method per step kind.
public sealed partial class UnitProgrammer
{
    private const int ChunkSize = 64 * 1024;

    private static string Describe(ScriptStep step) => step.Kind switch
    {
        StepKind.Erase => step.Erase switch
        {
            EraseMode.Chip => "erase chip",
            EraseMode.Range => $"erase range 0x{step.Address ?? 0:X8}+0x{step.Length ?? 0:X}",
            _ => "erase sectors",
        },
        StepKind.BlankCheck => step.Address is { } a ? $"blank check 0x{a:X8}+0x{step.Length ?? 0:X}" : "blank check",
        StepKind.Program => "program",
        StepKind.Verify => step.Verify == VerifyMode.Checksum ? "verify checksum" : "verify read-back",
        StepKind.ProgramSerial => $"program serial {step.Name}",
        StepKind.ProgramDynamic => $"program dynamic {step.Name}",
        StepKind.ReadData => $"read {ReadLabel(step)}",
        StepKind.RunTest => $"run test {step.Label ?? step.Test?.Section}",
        StepKind.WriteOptionBytes => $"option bytes 0x{step.Address ?? 0:X8}",
        StepKind.Reset => step.Halt == true ? "reset halt" : "reset",
        StepKind.Delay => $"delay {step.Milliseconds ?? 0} ms",
        StepKind.Power => step.On == false ? "power off" : "power on",
        _ => step.Kind.ToString().ToLowerInvariant(),
    };

    private static string ReadLabel(ScriptStep step) => step.Label ?? step.Name ?? "uid";

    private static string Hex(ReadOnlySpan<byte> bytes) => Convert.ToHexString(bytes);

    private static bool IsFlash(Device device, ulong address) =>
        device.RegionAt(address)?.Kind is MemoryKind.Flash or MemoryKind.Otp or MemoryKind.OptionBytes;

    private static MemoryImage At(ulong address, ReadOnlySpan<byte> bytes, string source)
    {
        var image = new MemoryImage();
        image.Add(address, bytes, source);
        return image;
    }

    // The erase runs of mode "sectors": whole sectors covering the firmware, the serial
    // numbers and the dynamic slots (so per-unit data lands in erased flash), in regions that
    // need erasing, adjacent sectors merged into one range.
    private static List<(ulong Start, ulong End)> SectorRuns(ProgrammingSpec spec, MemoryImage firmware)
    {
        var ranges = firmware.Segments.Select(s => (s.Start, s.End))
            .Concat(spec.Serials.Select(s => (s.Address, s.Address + (ulong)s.Width)))
            .Concat(spec.DynamicSlots.Select(d => (d.Address, d.Address + (ulong)d.Length)))
            .ToList();
        var sectors = new SortedSet<(ulong Start, ulong End)>();
        foreach (var region in spec.Device.FlashRegions.Where(r => r.RequiresErase && r.Sectors.Count > 0))
        {
            foreach (var (from, to) in ranges)
            {
                foreach (var (start, size) in region.SectorsCovering(from, to)) sectors.Add((start, start + size));
            }
        }

        var runs = new List<(ulong Start, ulong End)>();
        foreach (var (start, end) in sectors)
        {
            if (runs.Count > 0 && runs[^1].End >= start) runs[^1] = (runs[^1].Start, Math.Max(runs[^1].End, end));
            else runs.Add((start, end));
        }

        return runs;
    }

    private async Task RunStepAsync(UnitRun run, ScriptStep step, StepReporter reporter, CancellationToken ct)
    {
        var target = run.Target;
        var spec = run.Image.Spec;
        switch (step.Kind)
        {
            case StepKind.Erase:
                await EraseAsync(run, step, reporter, ct);
                break;

            case StepKind.BlankCheck:
                await BlankCheckAsync(run, step, reporter, ct);
                break;

            case StepKind.Program:
                await target.ProgramAsync(run.Image.Firmware, reporter, ct);
                break;

            case StepKind.Verify:
                if (step.Verify == VerifyMode.Checksum) await target.VerifyAsync(run.Image.Firmware, reporter, ct);
                else await ReadBackAsync(target, run.Image.Firmware, reporter, ct);
                break;

            case StepKind.ProgramSerial:
                await ProgramSerialAsync(run, step, ct);
                break;

            case StepKind.ProgramDynamic:
                var slot = spec.DynamicSlots.First(s => s.Name == step.Name);
                var data = run.DynamicData[slot.Name];
                run.Dynamic[slot.Name] = Hex(data);
                await WriteAndCheckAsync(target, spec.Device, slot.Address, data, $"dynamic slot '{slot.Name}'", ct);
                break;

            case StepKind.ReadData:
                await ReadDataAsync(run, step, ct);
                break;

            case StepKind.RunTest:
                await RunTestAsync(run, step, ct);
                break;

            case StepKind.WriteOptionBytes:
                await WriteAndCheckAsync(target, spec.Device, step.Address ?? 0, step.Data ?? [], "option bytes", ct);
                break;

            case StepKind.Reset:
                await target.ResetAsync(step.Halt ?? false, ct);
                break;

            case StepKind.Delay:
                await Task.Delay(TimeSpan.FromMilliseconds(step.Milliseconds ?? 0), time, ct);
                break;

            case StepKind.Power:
                bool on = step.On ?? true;
                await _power.SetAsync(on, spec.Power.Voltage, ct);
                if (on && spec.Power.PowerOnDelayMs > 0) await Task.Delay(TimeSpan.FromMilliseconds(spec.Power.PowerOnDelayMs), time, ct);
                break;

            default:
                throw new StepFailure($"step kind {step.Kind} is not supported by this station.");
        }
    }

    private static async Task EraseAsync(UnitRun run, ScriptStep step, StepReporter reporter, CancellationToken ct)
    {
        var target = run.Target;
        switch (step.Erase ?? EraseMode.Sectors)
        {
            case EraseMode.Chip:
                await target.EraseChipAsync(reporter, ct);
                break;

            case EraseMode.Range:
                ulong start = step.Address ?? 0;
                await target.EraseRangeAsync(start, start + (step.Length ?? 0), reporter, ct);
                break;

            default:
                foreach (var (from, to) in SectorRuns(run.Image.Spec, run.Image.Firmware))
                {
                    await target.EraseRangeAsync(from, to, reporter, ct);
                }

                break;
        }
    }

    private static async Task BlankCheckAsync(UnitRun run, ScriptStep step, StepReporter reporter, CancellationToken ct)
    {
        var device = run.Image.Spec.Device;
        var ranges = step.Address is { } a
            ? [(a, a + (step.Length ?? 0))]
            : SectorRuns(run.Image.Spec, run.Image.Firmware);
        long total = ranges.Sum(r => (long)(r.Item2 - r.Item1)), done = 0;
        var buffer = new byte[ChunkSize];
        foreach (var (start, end) in ranges)
        {
            for (ulong address = start; address < end; address += ChunkSize)
            {
                int length = (int)Math.Min(ChunkSize, end - address);
                var chunk = buffer.AsMemory(0, length);
                await run.Target.ReadMemoryAsync(address, chunk, ct);
                byte erased = device.RegionAt(address)?.ErasedValue ?? 0xFF;
                int bad = chunk.Span.IndexOfAnyExcept(erased);
                if (bad >= 0)
                {
                    ulong at = address + (ulong)bad;
                    throw new StepFailure($"blank check: the byte at 0x{at:X8} reads 0x{chunk.Span[bad]:X2}, not the erased value 0x{erased:X2}.", at);
                }

                done += length;
                reporter.Report(new TargetProgress("blank-check", done, total));
            }
        }
    }

    private static async Task ReadBackAsync(ITargetSession target, MemoryImage image, StepReporter reporter, CancellationToken ct)
    {
        long total = image.TotalBytes, done = 0;
        var buffer = new byte[ChunkSize];
        foreach (var segment in image.Segments)
        {
            for (int offset = 0; offset < segment.Length; offset += ChunkSize)
            {
                int length = Math.Min(ChunkSize, segment.Length - offset);
                ulong address = segment.Start + (ulong)offset;
                await target.ReadMemoryAsync(address, buffer.AsMemory(0, length), ct);
                var expected = segment.Data.Span.Slice(offset, length);
                int common = buffer.AsSpan(0, length).CommonPrefixLength(expected);
                if (common < length)
                {
                    ulong at = address + (ulong)common;
                    throw new StepFailure($"verify: the byte at 0x{at:X8} reads 0x{buffer[common]:X2}, expected 0x{expected[common]:X2}.", at);
                }

                done += length;
                reporter.Report(new TargetProgress("verify", done, total));
            }
        }
    }

    private static async Task ProgramSerialAsync(UnitRun run, ScriptStep step, CancellationToken ct)
    {
        var reserved = run.Lease.Serials.First(s => s.Definition.Name == step.Name);
        var definition = reserved.Definition;
        var bytes = SerialEncoder.Encode(definition, reserved.Value);
        int index = run.Serials.FindIndex(s => s.Name == definition.Name);
        run.Serials[index] = run.Serials[index] with { Bytes = Hex(bytes) };
        await WriteAndCheckAsync(run.Target, run.Image.Spec.Device, definition.Address, bytes, $"serial '{definition.Name}'", ct);
    }

    // Writes bytes (programming flash, plain writes elsewhere) and reads them back.
    private static async Task WriteAndCheckAsync(ITargetSession target, Device device, ulong address, byte[] bytes, string what, CancellationToken ct)
    {
        if (bytes.Length == 0) return;
        if (IsFlash(device, address)) await target.ProgramAsync(At(address, bytes, what), null, ct);
        else await target.WriteMemoryAsync(address, bytes, ct);

        var back = new byte[bytes.Length];
        await target.ReadMemoryAsync(address, back, ct);
        int common = back.AsSpan().CommonPrefixLength(bytes);
        if (common < bytes.Length)
        {
            ulong at = address + (ulong)common;
            throw new StepFailure($"{what}: the byte at 0x{at:X8} reads 0x{back[common]:X2} after writing 0x{bytes[common]:X2}.", at);
        }
    }

    private static async Task ReadDataAsync(UnitRun run, ScriptStep step, CancellationToken ct)
    {
        var device = run.Image.Spec.Device;
        var label = ReadLabel(step);
        ulong address;
        int length;
        if (step.Address is { } a)
        {
            address = a;
            length = (int)(step.Length ?? 4);
        }
        else if (DefaultReadLocation(device, step.Name ?? label) is { } location)
        {
            (address, length) = location;
        }
        else
        {
            throw new StepFailure($"read {label}: device {device.Name} has no unique ID or ID register by that name, and the step gives no address.");
        }

        var bytes = new byte[length];
        await run.Target.ReadMemoryAsync(address, bytes, ct);
        run.Data[label] = Hex(bytes);
    }

    // As projects resolve it: an ID register by name; "uid" is the unique ID, or failing that
    // the ID registers when they are contiguous (the LM3S6965's DID0 and DID1).
    private static (ulong Address, int Length)? DefaultReadLocation(Device device, string label)
    {
        if (device.IdRegisters.FirstOrDefault(r => string.Equals(r.Name, label, StringComparison.OrdinalIgnoreCase)) is { } register)
        {
            return (register.Address, register.Length);
        }

        if (!string.Equals(label, "uid", StringComparison.OrdinalIgnoreCase)) return null;
        if (device.UniqueId is { } uid) return (uid.Address, uid.Length);
        var ordered = device.IdRegisters.OrderBy(r => r.Address).ToList();
        if (ordered.Count == 0) return null;
        for (int i = 1; i < ordered.Count; i++)
        {
            if (ordered[i].Address != ordered[i - 1].Address + (ulong)ordered[i - 1].Length) return null;
        }

        return (ordered[0].Address, (int)(ordered[^1].Address + (ulong)ordered[^1].Length - ordered[0].Address));
    }

    private async Task RunTestAsync(UnitRun run, ScriptStep step, CancellationToken ct)
    {
        var test = step.Test ?? throw new StepFailure("run-test: the step has no test program.");
        var label = step.Label ?? test.Section;
        var target = run.Target;
        long started = time.GetTimestamp();
        ulong? value = null;
        try
        {
            await target.HaltAsync(ct);
            await target.WriteMemoryAsync(test.LoadAddress, run.Image.Sections[test.Section], ct);
            if (test.StackPointer is { } sp) await target.WriteRegisterAsync("sp", sp, ct);
            var stop = await target.RunToBreakpointAsync(test.Entry, test.Breakpoint, TimeSpan.FromMilliseconds(test.TimeoutMs), ct);
            if (stop.ProgramCounter != test.Breakpoint)
            {
                throw new StepFailure($"test {label} stopped at 0x{stop.ProgramCounter:X8} (signal {stop.Signal}), not at its breakpoint 0x{test.Breakpoint:X8}.", stop.ProgramCounter);
            }

            value = await target.ReadRegisterAsync(test.ResultRegister, ct);
        }
        finally
        {
            bool passed = value == test.Expected;
            run.Tests.Add(new TestResult(label, value, test.Expected, passed, time.GetElapsedTime(started).TotalMilliseconds));
        }

        if (value != test.Expected)
        {
            throw new StepFailure(string.Create(
                CultureInfo.InvariantCulture,
                $"test {label} returned 0x{value:X} in {test.ResultRegister} (expected 0x{test.Expected:X})."));
        }
    }
}
