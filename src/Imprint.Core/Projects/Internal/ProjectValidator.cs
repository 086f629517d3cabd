using System.Globalization;
using Imprint.Devices;
using Imprint.Memory;
using static Imprint.Projects.Internal.MemoryRanges;

namespace Imprint.Projects.Internal;

/// <summary>
/// Checks the rules that relate a project's fields to each other, to its device and to its
/// input files, recording every problem with its field path. The rules are listed in
/// <c>docs/project-format.md</c>.
/// </summary>
internal sealed partial class ProjectValidator(Project project, ErrorSink sink)
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

    private static bool IsName(string name) =>
        name.Length is > 0 and <= 64 && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');

    private static string Known(IEnumerable<string> names)
    {
        var list = names.ToList();
        return list.Count == 0 ? " (none are defined)" : $" (defined: {string.Join(", ", list)})";
    }
}
