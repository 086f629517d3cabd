using Imprint.Station.Records;

namespace Imprint.Station.Api;

/// <summary>One programming request made through the API, with its live progress.</summary>
/// <param name="Id">The run id.</param>
/// <param name="ImageId">The image programmed.</param>
/// <param name="State">Where the run is.</param>
/// <param name="RequestedAt">When the request was accepted.</param>
/// <param name="Step">The step running now (or last), or <see langword="null"/> before the first.</param>
/// <param name="StepIndex">Its position, from 1.</param>
/// <param name="StepCount">How many steps the script has.</param>
/// <param name="Done">Bytes done in the step.</param>
/// <param name="Total">Bytes in the step; 0 when unknown.</param>
/// <param name="Record">The unit's record, once it finished.</param>
/// <param name="Error">Why the unit was refused or could not start.</param>
public sealed record UnitRunStatus(
    string Id,
    string ImageId,
    UnitRunState State,
    DateTimeOffset RequestedAt,
    string? Step = null,
    int StepIndex = 0,
    int StepCount = 0,
    long Done = 0,
    long Total = 0,
    ProgrammingRecord? Record = null,
    string? Error = null);

/// <summary>Where an API programming run is.</summary>
public enum UnitRunState
{
    /// <summary>The unit is being programmed.</summary>
    Running,

    /// <summary>The unit passed.</summary>
    Passed,

    /// <summary>The unit failed; see the record.</summary>
    Failed,

    /// <summary>The station refused the unit before touching the target (restriction, data, image, key).</summary>
    Refused,

    /// <summary>The unit could not start or ended in an unexpected error.</summary>
    Error,
}
