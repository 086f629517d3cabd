using Imprint.Station.Records;
using Imprint.Station.State;
using Imprint.Targets;

namespace Imprint.Station.Execution;

/// <summary>What one unit has gathered so far, as its steps run.</summary>
internal sealed class UnitRun
{
    public UnitRun(StationImage image, ITargetSession target, UnitLease lease, IReadOnlyDictionary<string, byte[]> dynamicData)
    {
        Image = image;
        Target = target;
        Lease = lease;
        DynamicData = dynamicData;

        // Every reserved serial is in the record from the start: the record is what returns
        // or commits them, whether or not the step that writes them ran.
        Serials = lease.Serials.Select(s => new SerialIssue(s.Definition.Name, s.Definition.Pool, s.Index, s.Value, "")).ToList();
    }

    public StationImage Image { get; }

    public ITargetSession Target { get; }

    public UnitLease Lease { get; }

    public IReadOnlyDictionary<string, byte[]> DynamicData { get; }

    public List<SerialIssue> Serials { get; }

    public Dictionary<string, string> Data { get; } = new(StringComparer.Ordinal);

    public List<TestResult> Tests { get; } = [];

    public Dictionary<string, string> Dynamic { get; } = new(StringComparer.Ordinal);

    public List<StepRecord> Steps { get; } = [];
}
