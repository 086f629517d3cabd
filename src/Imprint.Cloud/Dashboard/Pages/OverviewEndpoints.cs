using Imprint.Cloud.Dashboard.Internal;
using Imprint.Cloud.Security;
using Imprint.Cloud.Services;
using Imprint.Sdk.Cloud;

namespace Imprint.Cloud.Dashboard.Pages;

/// <summary>The overview: factories with their stations and jobs, today's counters, units per hour; and its live counters.</summary>
internal static class OverviewEndpoints
{
    public static void Map(RouteGroupBuilder signedIn)
    {
        signedIn.MapGet("/", ShowAsync);
        signedIn.MapGet("/live/overview", LiveAsync);
    }

    public static async Task<IResult> ShowAsync(HttpContext context, FactoryService factories, StationService stations, JobService jobs, DashboardQueries queries, CancellationToken ct)
    {
        var actor = context.User.ToActor();
        var frame = await Frame.ForAsync(context, "Overview", Section.Overview, ct);
        var (today, hours) = await CountsAsync(actor, queries, frame.Now, ct);
        var allStations = await stations.ListAsync(actor, null, ct);
        var allJobs = await jobs.ListAsync(actor, null, false, ct);
        var blocks = (await factories.ListAsync(actor, ct)).Select(f => new FactoryBlock(
            f,
            allStations.Where(s => s.FactoryId == f.Id && s.Status == StationStatus.Active).ToList(),
            allJobs.Where(j => j.FactoryId == f.Id).ToList())).ToList();
        return View.Page<OverviewPage>(new OverviewModel(frame, today, hours, blocks));
    }

    /// <summary>Today's counters and each job's status and counters, formatted, for the page's script.</summary>
    public static async Task<IResult> LiveAsync(HttpContext context, JobService jobs, DashboardQueries queries, TimeProvider time, CancellationToken ct)
    {
        var actor = context.User.ToActor();
        var (today, _) = await CountsAsync(actor, queries, time.GetUtcNow(), ct);
        var list = await jobs.ListAsync(actor, null, false, ct);
        return TypedResults.Json(new
        {
            today = new { programmed = Format.Count(today.Programmed), failed = Format.Count(today.Failed), yield = today.Yield },
            jobs = list.ToDictionary(j => j.Id, Live.Job),
        });
    }

    internal static async Task<(TodayCounts Today, IReadOnlyList<HourlyCount> Hours)> CountsAsync(Actor actor, DashboardQueries queries, DateTimeOffset now, CancellationToken ct)
    {
        var hours = await queries.HourlyAsync(actor, now.AddHours(-23), 24, null, ct);
        return (TodayCounts.From(hours, new DateTimeOffset(now.UtcDateTime.Date, TimeSpan.Zero)), hours);
    }
}
