using Imprint.Sdk.Cloud;

namespace Imprint.Cloud.Dashboard.Internal;

/// <summary>The dashboard's URLs for jobs and records.</summary>
public static class JobLinks
{
    /// <summary>
    /// Gets a job's page by its image's unique id: the stable link <c>imprint build --type job</c>
    /// prints as "view online" (<c>{cloud}/jobs/{imageId}</c>). The job id works in the same place.
    /// </summary>
    /// <remarks>A deleted job is linked by its job id: its image id may since belong to a new job.</remarks>
    public static string Page(JobView job)
    {
        ArgumentNullException.ThrowIfNull(job);
        return "/jobs/" + Uri.EscapeDataString(job.Status == JobStatus.Deleted ? job.Id : job.ImageId);
    }

    /// <summary>Gets a job's page by its job id.</summary>
    public static string ById(string jobId) => "/jobs/" + Uri.EscapeDataString(jobId);

    /// <summary>Gets the page of one unit's record.</summary>
    public static string Record(string recordId) => "/log/" + Uri.EscapeDataString(recordId);

    /// <summary>Gets the log page filtered to one job.</summary>
    public static string Log(string jobId) => "/log?jobId=" + Uri.EscapeDataString(jobId);
}
