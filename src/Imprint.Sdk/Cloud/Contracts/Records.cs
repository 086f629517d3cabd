namespace Imprint.Sdk.Cloud;

/// <summary>The outcome of programming one unit.</summary>
public enum UnitResult
{
    /// <summary>Programmed and verified.</summary>
    Success,

    /// <summary>Failed at some step.</summary>
    Failure,
}

/// <summary>A run-test result.</summary>
/// <param name="Label">The step's label.</param>
/// <param name="Value">The value the test code returned.</param>
/// <param name="Passed">Whether it matched the expected value.</param>
public sealed record TestResult(string Label, long Value, bool Passed);

/// <summary>One programmed unit as the station logged it.</summary>
/// <param name="Id">The station's record id (a GUID); uploads are idempotent by it.</param>
/// <param name="GrantId">The grant the unit was programmed under.</param>
/// <param name="UnitIndex">The unit's index in that grant.</param>
/// <param name="StartedAt">When programming started.</param>
/// <param name="FinishedAt">When it finished.</param>
/// <param name="Result">Success or failure.</param>
/// <param name="FailureStep">The failing step (kind and index), if it failed.</param>
/// <param name="FailureMessage">The failure message, if it failed.</param>
/// <param name="CustomData">Data read from the part by label (for example the UID), hex.</param>
/// <param name="TestResults">Run-test results.</param>
/// <param name="DynamicData">Dynamic data written, by slot name, hex.</param>
/// <param name="Steps">Per-step timings (step name to milliseconds), optional.</param>
public sealed record ProgrammingRecord(
    string Id,
    string GrantId,
    int UnitIndex,
    DateTimeOffset StartedAt,
    DateTimeOffset FinishedAt,
    UnitResult Result,
    string? FailureStep = null,
    string? FailureMessage = null,
    IReadOnlyDictionary<string, string>? CustomData = null,
    IReadOnlyList<TestResult>? TestResults = null,
    IReadOnlyDictionary<string, string>? DynamicData = null,
    IReadOnlyDictionary<string, long>? Steps = null);

/// <summary>A batch of records a station uploads.</summary>
/// <param name="Records">The records, at most 1000.</param>
public sealed record ResultsRequest(IReadOnlyList<ProgrammingRecord> Records);

/// <summary>What became of an uploaded batch.</summary>
/// <param name="Accepted">Records stored for the first time.</param>
/// <param name="Duplicates">Records already stored (a retried upload); nothing changed for them.</param>
/// <param name="Late">Accepted records whose reservation had already been reclaimed.</param>
public sealed record ResultsResponse(int Accepted, int Duplicates, int Late);

/// <summary>A stored record, as the log shows it.</summary>
/// <param name="Id">The station's record id.</param>
/// <param name="JobId">The job.</param>
/// <param name="ImageId">The image revision the grant was for.</param>
/// <param name="FactoryId">The factory.</param>
/// <param name="StationId">The station.</param>
/// <param name="GrantId">The grant.</param>
/// <param name="UnitIndex">The unit's index in the grant.</param>
/// <param name="StartedAt">When programming started.</param>
/// <param name="FinishedAt">When it finished.</param>
/// <param name="DurationMs">How long it took, in milliseconds.</param>
/// <param name="Result">Success or failure.</param>
/// <param name="FailureStep">The failing step.</param>
/// <param name="FailureMessage">The failure message.</param>
/// <param name="Serials">The unit's serial numbers (from the grant).</param>
/// <param name="CustomData">Data read from the part.</param>
/// <param name="TestResults">Run-test results.</param>
/// <param name="DynamicData">Dynamic data written.</param>
/// <param name="Steps">Per-step timings.</param>
/// <param name="ReceivedAt">When the cloud stored it.</param>
/// <param name="Late">Whether it arrived after its reservation was reclaimed.</param>
public sealed record RecordView(
    string Id,
    string JobId,
    string ImageId,
    string FactoryId,
    string StationId,
    string GrantId,
    int UnitIndex,
    DateTimeOffset StartedAt,
    DateTimeOffset FinishedAt,
    long DurationMs,
    UnitResult Result,
    string? FailureStep,
    string? FailureMessage,
    IReadOnlyList<SerialValue> Serials,
    IReadOnlyDictionary<string, string> CustomData,
    IReadOnlyList<TestResult> TestResults,
    IReadOnlyDictionary<string, string> DynamicData,
    IReadOnlyDictionary<string, long> Steps,
    DateTimeOffset ReceivedAt,
    bool Late);

/// <summary>Filters the log. Every property is optional.</summary>
/// <param name="JobId">Only this job.</param>
/// <param name="FactoryId">Only this factory.</param>
/// <param name="StationId">Only this station.</param>
/// <param name="Result">Only this result.</param>
/// <param name="Serial">Only units that got this serial number.</param>
/// <param name="From">Finished at or after.</param>
/// <param name="To">Finished before.</param>
public sealed record RecordFilter(
    string? JobId = null,
    string? FactoryId = null,
    string? StationId = null,
    UnitResult? Result = null,
    long? Serial = null,
    DateTimeOffset? From = null,
    DateTimeOffset? To = null);

/// <summary>One page of the log, newest first.</summary>
/// <param name="Items">The records.</param>
/// <param name="NextCursor">Pass as <c>cursor</c> for the next page; <see langword="null"/> at the end.</param>
public sealed record RecordPage(IReadOnlyList<RecordView> Items, string? NextCursor);

/// <summary>An administrative action in the audit trail.</summary>
/// <param name="Id">Its sequence number.</param>
/// <param name="At">When.</param>
/// <param name="Actor">Who (user and credential, or station).</param>
/// <param name="Action">What (for example <c>job.pause</c>).</param>
/// <param name="Target">On what (an id).</param>
/// <param name="Details">Details, if any.</param>
public sealed record AuditEntry(long Id, DateTimeOffset At, string Actor, string Action, string Target, string? Details);
