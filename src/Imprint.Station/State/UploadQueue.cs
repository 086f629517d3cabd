namespace Imprint.Station.State;

/// <summary>Where a cloud-connected unit's record is on its way to the cloud.</summary>
public enum UploadState
{
    /// <summary>Waiting to be uploaded (also after a transient failure: network, 5xx, 401, 403, 408, 429).</summary>
    Queued,

    /// <summary>The cloud refused it for good; it waits for someone to fix the cause and requeue it.</summary>
    Rejected,
}

/// <summary>A record the cloud refused for good, with its answer.</summary>
/// <param name="RecordId">The record id.</param>
/// <param name="ImageId">The image the unit was programmed with.</param>
/// <param name="StartedAt">When the unit started.</param>
/// <param name="RejectedAt">When the cloud refused it.</param>
/// <param name="Status">The HTTP status the cloud answered (for example 404).</param>
/// <param name="Message">The cloud's one-sentence reason.</param>
public sealed record RejectedUpload(string RecordId, string ImageId, DateTimeOffset StartedAt, DateTimeOffset RejectedAt, int Status, string Message);

/// <summary>The station's upload queue at a glance.</summary>
/// <param name="Queued">Records waiting to be uploaded.</param>
/// <param name="Rejected">Records the cloud refused for good.</param>
public sealed record UploadCounter(long Queued, long Rejected);
