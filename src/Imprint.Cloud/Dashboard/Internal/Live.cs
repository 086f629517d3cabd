using Imprint.Cloud.Dashboard.Components;
using Imprint.Sdk.Cloud;

namespace Imprint.Cloud.Dashboard.Internal;

/// <summary>The values pages refresh while open (<c>data-field</c> paths in the markup), formatted as the page shows them.</summary>
internal static class Live
{
    public static object Job(JobView job) => new
    {
        statusWord = Format.Word(job.Status),
        statusCss = Format.Css(job.Status),
        statusSays = StatusBox.Says(job.Status),
        programmed = Format.Count(job.Counters.Programmed),
        failed = Format.Count(job.Counters.Failed),
        reserved = Format.Count(job.Counters.Reserved),
        remaining = job.Counters.Remaining is { } r ? Format.Count(r) : "unlimited",
    };
}
