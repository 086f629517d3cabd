namespace Imprint.Station.Records;

/// <summary>
/// Everything a station knows about one unit it programmed (or tried to): one per unit,
/// written in the same transaction as the counts and serial state it changed.
/// </summary>
public sealed record ProgrammingRecord
{
    /// <summary>Gets the record id, a ULID (sorts in the order units started).</summary>
    public required string Id { get; init; }

    /// <summary>Gets the unique id of the image that programmed the unit.</summary>
    public required string ImageId { get; init; }

    /// <summary>Gets the image's name.</summary>
    public required string ImageName { get; init; }

    /// <summary>Gets the image's CRC-32.</summary>
    public required uint ImageCrc { get; init; }

    /// <summary>Gets the id of the station that programmed the unit.</summary>
    public required string StationId { get; init; }

    /// <summary>Gets the target URL.</summary>
    public required string Target { get; init; }

    /// <summary>Gets when the unit started (UTC).</summary>
    public required DateTimeOffset StartedAt { get; init; }

    /// <summary>Gets how long the unit took, in milliseconds.</summary>
    public double DurationMs { get; init; }

    /// <summary>Gets how much of <see cref="DurationMs"/> was spent in target operations, in milliseconds.</summary>
    public double TargetMs { get; init; }

    /// <summary>Gets the outcome.</summary>
    public required UnitResult Result { get; init; }

    /// <summary>Gets the step that failed (<c>3:program</c>), or <see langword="null"/> on a pass.</summary>
    public string? FailureStep { get; init; }

    /// <summary>Gets why the unit failed, or <see langword="null"/> on a pass.</summary>
    public string? FailureMessage { get; init; }

    /// <summary>Gets the address involved in the failure, when there is one.</summary>
    public ulong? FailureAddress { get; init; }

    /// <summary>
    /// Gets the serial numbers issued to the unit. On a failed or interrupted unit they were
    /// returned to their pool and will be issued again.
    /// </summary>
    public IReadOnlyList<SerialIssue> Serials { get; init; } = [];

    /// <summary>Gets the data read from the part, by label, as hex (for example the unique ID).</summary>
    public IReadOnlyDictionary<string, string> Data { get; init; } = new Dictionary<string, string>();

    /// <summary>Gets the run-test results.</summary>
    public IReadOnlyList<TestResult> Tests { get; init; } = [];

    /// <summary>Gets the dynamic data written, by slot name, as hex.</summary>
    public IReadOnlyDictionary<string, string> Dynamic { get; init; } = new Dictionary<string, string>();

    /// <summary>Gets each step's timing and outcome, in script order.</summary>
    public IReadOnlyList<StepRecord> Steps { get; init; } = [];

    /// <summary>Gets the cloud grant the unit ran under, or <see langword="null"/> for a stand-alone (SAP) unit.</summary>
    public CloudUnit? Cloud { get; init; }
}

/// <summary>The outcome of a unit.</summary>
public enum UnitResult
{
    /// <summary>Every step succeeded; the serial numbers are used and the unit counts.</summary>
    Pass,

    /// <summary>A step failed; the serial numbers were returned.</summary>
    Fail,

    /// <summary>The station process stopped mid-unit (killed, crashed, power lost); found and closed on the next start.</summary>
    Interrupted,
}

/// <summary>A serial number issued to a unit.</summary>
/// <param name="Name">The serial definition's name.</param>
/// <param name="Pool">The pool it was drawn from.</param>
/// <param name="Index">The index drawn from the pool (the n-th unit drawn gets n).</param>
/// <param name="Value">The number.</param>
/// <param name="Bytes">The bytes written to the part, as hex; empty when the unit stopped before writing them.</param>
public sealed record SerialIssue(string Name, string Pool, long Index, ulong Value, string Bytes);

/// <summary>The result of a run-test step.</summary>
/// <param name="Label">The label the test is logged under.</param>
/// <param name="Value">The result register's value, or <see langword="null"/> when the test never reached its breakpoint.</param>
/// <param name="Expected">The value that means pass.</param>
/// <param name="Passed">Whether the test passed.</param>
/// <param name="DurationMs">How long the test ran, in milliseconds.</param>
public sealed record TestResult(string Label, ulong? Value, ulong Expected, bool Passed, double DurationMs);

/// <summary>The timing and outcome of one script step.</summary>
/// <param name="Index">The step's position in the script, from 1.</param>
/// <param name="Step">What the step does (<c>erase</c>, <c>program</c>…), with its detail (<c>erase chip</c>).</param>
/// <param name="DurationMs">How long it took, in milliseconds.</param>
/// <param name="Outcome">Whether it succeeded.</param>
/// <param name="Message">Why it failed, or <see langword="null"/>.</param>
public sealed record StepRecord(int Index, string Step, double DurationMs, StepOutcome Outcome, string? Message = null);

/// <summary>The outcome of one step.</summary>
public enum StepOutcome
{
    /// <summary>The step succeeded.</summary>
    Ok,

    /// <summary>The step failed and ended the unit.</summary>
    Failed,
}
