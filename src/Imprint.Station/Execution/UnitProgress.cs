namespace Imprint.Station.Execution;

/// <summary>What happened to a unit's step; reported as the script runs.</summary>
/// <param name="RecordId">The unit's record id.</param>
/// <param name="StepIndex">The step's position, from 1.</param>
/// <param name="StepCount">How many steps the script has.</param>
/// <param name="Step">The step's description (<c>erase chip</c>, <c>program</c>).</param>
/// <param name="Phase">Where the step is.</param>
/// <param name="Done">Bytes (or units of work) done, for <see cref="StepPhase.Running"/>.</param>
/// <param name="Total">Bytes (or units of work) in all; 0 when unknown.</param>
/// <param name="ElapsedMs">Milliseconds since the step started.</param>
/// <param name="Message">Why the step failed, for <see cref="StepPhase.Failed"/>.</param>
public sealed record UnitProgress(
    string RecordId,
    int StepIndex,
    int StepCount,
    string Step,
    StepPhase Phase,
    long Done,
    long Total,
    double ElapsedMs,
    string? Message = null);

/// <summary>Where a step is.</summary>
public enum StepPhase
{
    /// <summary>The step started.</summary>
    Started,

    /// <summary>The step made progress.</summary>
    Running,

    /// <summary>The step succeeded.</summary>
    Finished,

    /// <summary>The step failed; the unit stops.</summary>
    Failed,
}
