using Imprint.Projects;
using Imprint.Targets;

namespace Imprint.Station.Execution;

/// <summary>The checks made before a unit reserves anything or touches the target.</summary>
internal static class UnitPreflight
{
    public static void Check(StationImage image, TargetInfo target, IReadOnlyDictionary<string, byte[]> dynamicData, bool cloudGranted = false)
    {
        var spec = image.Spec;
        var name = image.Name;
        if (spec.Type != ImageType.Sap && !cloudGranted)
        {
            throw new UnitRefusedException($"image {name} is a cloud-connected (JOB) image and needs the cloud's grant for every unit; provision the station with the cloud (imprint station provision).");
        }

        if (spec.Type == ImageType.Sap && cloudGranted)
        {
            throw new InvalidOperationException($"Image {name} is stand-alone (SAP) but a cloud grant was given.");
        }

        // The target can tell its device when it is the virtual MCU or a catalog-aware probe;
        // a plain GDB server reports the device it was opened with, which then matches.
        if (!string.Equals(target.Device.Name, spec.Device.Name, StringComparison.OrdinalIgnoreCase))
        {
            throw new UnitRefusedException($"image {name} is for device {spec.Device.Name}, but the target {target.Url.OriginalString} is a {target.Device.Name}.");
        }

        var slotsUsed = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < spec.Script.Count; i++)
        {
            var step = spec.Script[i];
            switch (step.Kind)
            {
                case StepKind.ProgramSerial:
                    if (spec.Serials.All(s => s.Name != step.Name))
                    {
                        throw new UnitRefusedException($"image {name} step {i + 1} (program-serial) names serial '{step.Name}', which the image does not define.");
                    }

                    break;

                case StepKind.ProgramDynamic:
                    var slot = spec.DynamicSlots.FirstOrDefault(s => s.Name == step.Name)
                        ?? throw new UnitRefusedException($"image {name} step {i + 1} (program-dynamic) names slot '{step.Name}', which the image does not define.");
                    if (!dynamicData.TryGetValue(slot.Name, out var bytes))
                    {
                        throw new UnitRefusedException($"image {name} needs dynamic data for slot '{slot.Name}' ({slot.Length} bytes); supply it as {slot.Name}=HEX.");
                    }

                    if (bytes.Length != slot.Length)
                    {
                        throw new UnitRefusedException($"dynamic data for slot '{slot.Name}' is {bytes.Length} bytes; the slot takes exactly {slot.Length}.");
                    }

                    slotsUsed.Add(slot.Name);
                    break;

                case StepKind.RunTest when step.Test is { } test && !image.Sections.ContainsKey(test.Section):
                    throw new UnitRefusedException($"image {name} step {i + 1} (run-test) needs section '{test.Section}', which the image does not hold.");
            }
        }

        foreach (var supplied in dynamicData.Keys)
        {
            if (!slotsUsed.Contains(supplied))
            {
                throw new UnitRefusedException($"image {name} has no dynamic slot '{supplied}' that its script writes.");
            }
        }
    }
}
