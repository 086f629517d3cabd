using Imprint.Formats;

namespace Imprint.Projects.Internal;

/// <content>Reading one script step: its kind, its shorthand and its fields.</content>
internal static partial class ProjectParser
{
    private static ProjectStep? ParseStep(ErrorSink sink, YNode item, string path)
    {
        string kindName;
        YNode? args;
        switch (item)
        {
            case YScalar { IsNull: false } s:
                (kindName, args) = (s.Value, null);
                break;
            case YMap { Entries.Count: 1 } m:
                (kindName, args) = (m.Entries[0].Key, m.Entries[0].Value is YScalar { IsNull: true } ? null : m.Entries[0].Value);
                break;
            case YMap { Entries.Count: > 1 } m:
                sink.Add(path, $"must name one step per list item, but names {string.Join(", ", m.Entries.Select(e => $"'{ProjectYaml.Clip(e.Key)}'"))}; start each step with its own '-'", item);
                return null;
            default:
                sink.Add(path, $"must be a step such as 'program' or 'erase: chip'", item);
                return null;
        }

        sink.Lines.TryAdd(path, item.Line);
        if (!ProjectNames.TryParse(ProjectNames.Steps, kindName, out StepKind kind))
        {
            sink.Add(path, $"names unknown step kind '{ProjectYaml.Clip(kindName)}'; expected one of {ProjectNames.List(ProjectNames.Steps)}", item);
            return null;
        }

        // A scalar after the kind is shorthand for the step's main field: "erase: chip".
        if (args is YScalar shorthand)
        {
            string? key = kind switch
            {
                StepKind.Erase or StepKind.Verify => "mode",
                StepKind.ProgramSerial => "serial",
                StepKind.ProgramDynamic => "slot",
                StepKind.ReadData => "label",
                StepKind.RunTest => "path",
                StepKind.Delay => "ms",
                StepKind.Power => "on",
                _ => null,
            };
            if (kind == StepKind.Reset && shorthand.Value.ToUpperInvariant() is "HALT" or "RUN")
            {
                return new ProjectStep(new ScriptStep { Kind = kind, Halt = shorthand.Value.Equals("halt", StringComparison.OrdinalIgnoreCase) });
            }

            if (key is null)
            {
                string takes = kind == StepKind.Reset ? "'halt' or 'run', or fields" : "fields";
                sink.Add(path, $"is a {ProjectNames.Of(kind)} step, which takes {takes}, not '{ProjectYaml.Clip(shorthand.Value)}'", shorthand);
                return null;
            }

            args = new YMap(shorthand.Line, shorthand.Column, [new YEntry(key, shorthand.Line, shorthand.Column, shorthand)]);
        }

        var f = args is null ? Fields.Of(new YMap(item.Line, item.Column, []), path, sink, "")! : Fields.Of(args, path, sink, $"{ProjectNames.Of(kind)} step fields");
        if (f is null) return null;
        var step = new ScriptStep { Kind = kind };
        TestCodeInput? test = null;
        switch (kind)
        {
            case StepKind.Erase:
                var mode = f.Choice("mode", ProjectNames.EraseModes) ?? EraseMode.Sectors;
                step = step with { Erase = mode, Address = f.Number("address"), Length = f.Number("length") };
                f.RefuseUnknown("mode", "address", "length");
                if (mode == EraseMode.Range)
                {
                    if (step.Address is null && !f.Has("address")) f.Error("address", "is required for an erase of mode range");
                    if (step.Length is null && !f.Has("length")) f.Error("length", "is required for an erase of mode range");
                }
                else
                {
                    if (f.Has("address")) f.Error("address", $"applies only to an erase of mode range, not '{ProjectNames.Of(mode)}'");
                    if (f.Has("length")) f.Error("length", $"applies only to an erase of mode range, not '{ProjectNames.Of(mode)}'");
                }

                break;
            case StepKind.BlankCheck:
                step = step with { Address = f.Number("address"), Length = f.Number("length") };
                f.RefuseUnknown("address", "length");
                BothOrNeither(f);
                break;
            case StepKind.Program:
                f.RefuseUnknown();
                break;
            case StepKind.Verify:
                step = step with { Verify = f.Choice("mode", ProjectNames.VerifyModes) ?? VerifyMode.ReadBack };
                f.RefuseUnknown("mode");
                break;
            case StepKind.ProgramSerial:
                step = step with { Name = f.String("serial", required: true) };
                f.RefuseUnknown("serial");
                break;
            case StepKind.ProgramDynamic:
                step = step with { Name = f.String("slot", required: true) };
                f.RefuseUnknown("slot");
                break;
            case StepKind.ReadData:
                step = step with { Label = f.String("label", required: true), Address = f.Number("address"), Length = f.Number("length") };
                f.RefuseUnknown("label", "address", "length");
                BothOrNeither(f);
                break;
            case StepKind.RunTest:
                string? file = f.String("path", required: true);
                var format = f.Choice("format", ProjectNames.Formats);
                ulong? load = f.Number("loadAddress"), entry = f.Number("entry"), stack = f.Number("stackPointer");
                ulong? breakpoint = f.Number("breakpoint", required: true);
                int timeout = f.Int("timeoutMs", 1, 3_600_000) ?? DefaultTestTimeoutMs;
                string register = f.String("resultRegister") ?? "r0";
                ulong expected = f.Number("expected") ?? 0;
                step = step with { Label = f.String("label") ?? DefaultTestLabel };
                f.RefuseUnknown("path", "format", "loadAddress", "entry", "breakpoint", "stackPointer", "timeoutMs", "resultRegister", "expected", "label");
                if (file is not null && breakpoint is not null)
                {
                    test = new TestCodeInput(file, format, load, entry, breakpoint.Value, stack, timeout, register, expected);
                }

                break;
            case StepKind.WriteOptionBytes:
                step = step with { Address = f.Number("address", required: true), Data = f.Hex("data", required: true) };
                f.RefuseUnknown("address", "data");
                break;
            case StepKind.Reset:
                step = step with { Halt = f.Bool("halt") ?? false };
                f.RefuseUnknown("halt");
                break;
            case StepKind.Delay:
                step = step with { Milliseconds = f.Int("ms", 0, 600_000, required: true) };
                f.RefuseUnknown("ms");
                break;
            case StepKind.Power:
                bool? on = f.Bool("on");
                if (on is null && !f.Has("on")) f.Error("on", "is required (true to switch the supply on, false to switch it off)");
                step = step with { On = on };
                f.RefuseUnknown("on");
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(item), kind, "Unhandled step kind.");
        }

        return new ProjectStep(step, test);
    }

    private static void BothOrNeither(Fields f)
    {
        bool address = f.Has("address"), length = f.Has("length");
        if (address && !length) f.Error("length", "is required when address is given");
        if (length && !address) f.Error("address", "is required when length is given");
    }
}
