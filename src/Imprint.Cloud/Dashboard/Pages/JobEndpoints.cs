using Imprint.Cloud.Apis;
using Imprint.Cloud.Dashboard.Internal;
using Imprint.Cloud.Security;
using Imprint.Cloud.Services;
using Imprint.Sdk.Cloud;

namespace Imprint.Cloud.Dashboard.Pages;

/// <summary>A job's page (at the stable <c>/jobs/{imageId}</c>), its status actions, its authorized stations, its live counters.</summary>
internal static class JobEndpoints
{
    public static void Map(RouteGroupBuilder signedIn)
    {
        signedIn.MapGet("/jobs/{key}", ShowAsync);
        signedIn.MapPost("/jobs/{id}/status", ChangeStatusAsync).Form();
        signedIn.MapPost("/jobs/{id}/stations", SetStationsAsync).Form();
        signedIn.MapPost("/jobs/{id}/restrictions", SetRestrictionsAsync).Form();
        signedIn.MapGet("/live/jobs/{id}", LiveAsync);
    }

    public static async Task<IResult> ShowAsync(
        string key, string? confirm, HttpContext context, JobService jobs, FactoryService factories, StationService stations, RecordService records,
        DashboardQueries queries, CancellationToken ct)
    {
        var actor = context.User.ToActor();
        var job = await jobs.GetAsync(actor, await queries.ResolveJobIdAsync(actor, key, ct), ct);
        var frame = await Frame.ForAsync(context, job.Name, Section.None, ct);
        var factory = (await factories.ListAsync(actor, ct)).FirstOrDefault(f => f.Id == job.FactoryId);
        var pools = (await jobs.ListPoolsAsync(actor, ct)).Where(p => job.Serials.Any(s => s.Pool == p.Name)).ToList();
        var factoryStations = (await stations.ListAsync(actor, null, ct)).Where(s => s.FactoryId == job.FactoryId && s.Status == StationStatus.Active).ToList();
        var recent = await records.QueryAsync(actor, new RecordFilter(JobId: job.Id), 10, null, ct);
        var hours = await queries.HourlyAsync(actor, frame.Now.AddHours(-23), 24, job.Id, ct);
        return View.Page<JobPage>(new JobModel(frame, job, factory?.Name ?? job.FactoryId, pools, factoryStations, recent.Items, hours,
            confirm == "delete" && job.Status != JobStatus.Deleted));
    }

    public static async Task<IResult> ChangeStatusAsync(string id, HttpContext context, JobService jobs, CancellationToken ct)
    {
        var actor = context.User.ToActor();
        var form = await context.Request.ReadFormAsync(ct);
        var action = form["action"].ToString();
        if (!JobsApi.Actions.Contains(action))
        {
            throw CloudException.Invalid("action", $"'{action}' is not one of {string.Join(", ", JobsApi.Actions)}.");
        }

        if (action == "delete" && form["confirm"] != "yes")
        {
            return TypedResults.Redirect(JobLinks.ById(id) + "?confirm=delete#confirm-delete");
        }

        try
        {
            var job = await jobs.ChangeStatusAsync(actor, id, action, ct);
            FlashMessage.Set(context, FlashKind.Done, $"Job '{job.Name}' is {Format.Word(job.Status).ToLowerInvariant()}.");
            return TypedResults.Redirect(JobLinks.Page(job));
        }
        catch (CloudException ex) when (ex.Kind != CloudErrorKind.NotFound)
        {
            FlashMessage.Set(context, FlashKind.Refused, ex.Message);
            return TypedResults.Redirect(JobLinks.ById(id));
        }
    }

    public static async Task<IResult> SetStationsAsync(string id, HttpContext context, JobService jobs, CancellationToken ct)
    {
        var actor = context.User.ToActor();
        var form = await context.Request.ReadFormAsync(ct);
        var all = form["allStations"] == "true";
        var ids = form["stationId"].Where(s => !string.IsNullOrEmpty(s)).Select(s => s!).ToList();
        try
        {
            var job = await jobs.SetStationsAsync(actor, id, new JobStationsRequest(all, all ? null : ids), ct);
            var count = job.StationIds.Count;
            FlashMessage.Set(context, FlashKind.Done,
                job.AllStations ? "Every station of the factory may now run this job." : $"{count} station{(count == 1 ? "" : "s")} may now run this job.");
            return TypedResults.Redirect(JobLinks.Page(job) + "#stations");
        }
        catch (CloudException ex) when (ex.Kind != CloudErrorKind.NotFound)
        {
            FlashMessage.Set(context, FlashKind.Refused, ex.Message);
            return TypedResults.Redirect(JobLinks.ById(id) + "#stations");
        }
    }

    public static async Task<IResult> SetRestrictionsAsync(string id, HttpContext context, JobService jobs, CancellationToken ct)
    {
        var actor = context.User.ToActor();
        var form = await context.Request.ReadFormAsync(ct);
        try
        {
            var restrictions = new JobRestrictions(
                FormValues.Whole("maxCount", form["maxCount"]), FormValues.UtcTime("validFrom", form["validFrom"]),
                FormValues.UtcTime("validUntil", form["validUntil"]), FormValues.Whole("perStationCap", form["perStationCap"]));
            var job = await jobs.SetRestrictionsAsync(actor, id, restrictions, ct);
            FlashMessage.Set(context, FlashKind.Done, "Restrictions saved; the next grant request is checked against them.");
            return TypedResults.Redirect(JobLinks.Page(job) + "#restrictions");
        }
        catch (CloudException ex) when (ex.Kind != CloudErrorKind.NotFound)
        {
            FlashMessage.Set(context, FlashKind.Refused, ex.Message);
            return TypedResults.Redirect(JobLinks.ById(id) + "#restrictions");
        }
    }

    public static async Task<IResult> LiveAsync(string id, HttpContext context, JobService jobs, CancellationToken ct) =>
        TypedResults.Json(Live.Job(await jobs.GetAsync(context.User.ToActor(), id, ct)));
}
