namespace Imprint.Station.Cloud;

/// <summary>What an image sync did with one job.</summary>
public enum ImageSyncOutcome
{
    /// <summary>The image was downloaded, checked and added.</summary>
    Fetched,

    /// <summary>The station holds the job's current image already.</summary>
    Held,

    /// <summary>Nothing to fetch: the job is not active, or the cloud holds no image for it.</summary>
    Skipped,

    /// <summary>The download or a check failed; nothing was added.</summary>
    Failed,
}

/// <summary>What an image sync did with one job.</summary>
/// <param name="JobId">The job.</param>
/// <param name="ImageId">The job's current image id.</param>
/// <param name="Outcome">Fetched, held, skipped or failed.</param>
/// <param name="Reason">One sentence saying why.</param>
public sealed record JobImageSync(string JobId, string ImageId, ImageSyncOutcome Outcome, string Reason);

/// <summary>The result of one image sync with the cloud.</summary>
/// <param name="At">When the sync started.</param>
/// <param name="Jobs">Every job the station is authorized for, in the cloud's order.</param>
public sealed record ImageSyncReport(DateTimeOffset At, IReadOnlyList<JobImageSync> Jobs)
{
    /// <summary>Gets how many images were fetched.</summary>
    public int Fetched => Jobs.Count(j => j.Outcome == ImageSyncOutcome.Fetched);

    /// <summary>Gets how many jobs failed.</summary>
    public int Failed => Jobs.Count(j => j.Outcome == ImageSyncOutcome.Failed);
}
