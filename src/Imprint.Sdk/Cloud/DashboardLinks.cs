namespace Imprint.Sdk.Cloud;

/// <summary>Links into the cloud's dashboard, for tools that print "view online" (for example <c>imprint build --type job</c>).</summary>
public static class DashboardLinks
{
    /// <summary>Gets the stable page of a job: <c>{cloud}/jobs/{imageId}</c>, known as soon as the image's unique id is.</summary>
    /// <param name="cloudUrl">The cloud's base URL (<see cref="CloudCredentials.CloudUrl"/>).</param>
    /// <param name="imageId">The image's unique id; the job id works as well.</param>
    /// <returns>The page's absolute URL.</returns>
    /// <remarks>The link stays valid until the job is revised with a new image; the job id always works.</remarks>
    public static Uri JobPage(string cloudUrl, string imageId)
    {
        ArgumentException.ThrowIfNullOrEmpty(cloudUrl);
        ArgumentException.ThrowIfNullOrEmpty(imageId);
        return new Uri(new Uri(cloudUrl.TrimEnd('/') + "/"), "jobs/" + Uri.EscapeDataString(imageId));
    }
}
