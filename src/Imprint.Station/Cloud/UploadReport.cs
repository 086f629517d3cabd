using Imprint.Station.State;

namespace Imprint.Station.Cloud;

/// <summary>What an upload of the queued records did.</summary>
/// <param name="Uploaded">Records the cloud acknowledged (new ones and ones it already held).</param>
/// <param name="Rejected">Records the cloud refused for good in this upload; they left the queue.</param>
public sealed record UploadReport(int Uploaded, IReadOnlyList<RejectedUpload> Rejected);
