using Imprint.Cloud.Internal;
using Imprint.Sdk.Cloud;

namespace Imprint.Cloud.Services;

/// <summary>A row of the records table.</summary>
internal sealed class RecordRow
{
    public long Seq { get; set; }

    public string Id { get; set; } = "";

    public string JobId { get; set; } = "";

    public string ImageId { get; set; } = "";

    public string FactoryId { get; set; } = "";

    public string StationId { get; set; } = "";

    public string GrantId { get; set; } = "";

    public long UnitIdx { get; set; }

    public long StartedAt { get; set; }

    public long FinishedAt { get; set; }

    public long DurationMs { get; set; }

    public string Result { get; set; } = "";

    public string? FailureStep { get; set; }

    public string? FailureMessage { get; set; }

    public string Serials { get; set; } = "[]";

    public string CustomData { get; set; } = "{}";

    public string TestResults { get; set; } = "[]";

    public string DynamicData { get; set; } = "{}";

    public string Steps { get; set; } = "{}";

    public long ReceivedAt { get; set; }

    public long Late { get; set; }

    public RecordView ToView() => new(
        Id, JobId, ImageId, FactoryId, StationId, GrantId, (int)UnitIdx, Time.From(StartedAt), Time.From(FinishedAt), DurationMs,
        Result == "success" ? UnitResult.Success : UnitResult.Failure, FailureStep, FailureMessage,
        Json.Read<List<SerialValue>>(Serials, []), Json.Read<Dictionary<string, string>>(CustomData, []),
        Json.Read<List<TestResult>>(TestResults, []), Json.Read<Dictionary<string, string>>(DynamicData, []),
        Json.Read<Dictionary<string, long>>(Steps, []), Time.From(ReceivedAt), Late != 0);
}
