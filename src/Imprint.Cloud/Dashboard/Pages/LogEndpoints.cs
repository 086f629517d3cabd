using Imprint.Cloud.Apis;
using Imprint.Cloud.Dashboard.Internal;
using Imprint.Cloud.Security;
using Imprint.Cloud.Services;
using Imprint.Sdk.Cloud;

namespace Imprint.Cloud.Dashboard.Pages;

/// <summary>The log: filtered, paged, downloadable; and one unit's full record.</summary>
internal static class LogEndpoints
{
    public static void Map(RouteGroupBuilder signedIn)
    {
        signedIn.MapGet("/log", ShowAsync);
        signedIn.MapGet("/log/export", Export);
        signedIn.MapGet("/log/{id}", ShowRecordAsync);
    }

    public static async Task<IResult> ShowAsync(string? cursor, HttpContext context, RecordService records, JobService jobs, StationService stations, CancellationToken ct)
    {
        var actor = context.User.ToActor();
        var frame = await Frame.ForAsync(context, "Log", Section.Log, ct);
        var form = LogFilterForm.Parse(context.Request.Query);
        string? problem = null;
        RecordPage page;
        try
        {
            page = await records.QueryAsync(actor, form.ToQuery().ToFilter(), LogModel.PageSize, cursor, ct);
        }
        catch (CloudException ex) when (ex.Kind == CloudErrorKind.Invalid)
        {
            problem = ex.Message;
            page = new RecordPage([], null);
        }

        var allJobs = await jobs.ListAsync(actor, null, true, ct);
        var allStations = await stations.ListAsync(actor, null, ct);
        return View.Page<LogPage>(new LogModel(frame, form, problem, page, cursor, allJobs, allStations), problem is null ? 200 : 400);
    }

    /// <summary>Downloads every record the filter selects, through the API's own export (same filter, same writer, same bytes).</summary>
    public static IResult Export(string? format, HttpContext context, RecordService records)
    {
        var query = LogFilterForm.Parse(context.Request.Query).ToQuery();
        query.ToFilter();
        RecordExport.For(format ?? "csv");
        return RecordsApi.Export(query, format, context.User, records);
    }

    public static async Task<IResult> ShowRecordAsync(string id, HttpContext context, DashboardQueries queries, JobService jobs, StationService stations, CancellationToken ct)
    {
        var actor = context.User.ToActor();
        var record = await queries.GetRecordAsync(actor, id, ct);
        var frame = await Frame.ForAsync(context, "Unit record", Section.Log, ct);
        var job = await jobs.GetAsync(actor, record.JobId, ct);
        var station = (await stations.ListAsync(actor, null, ct)).FirstOrDefault(s => s.Id == record.StationId);
        return View.Page<UnitRecordPage>(new RecordModel(frame, record, job, station));
    }
}
