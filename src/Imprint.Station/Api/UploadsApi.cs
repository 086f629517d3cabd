using Imprint.Station.State;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using CloudApiException = Imprint.Sdk.Cloud.CloudApiException;

namespace Imprint.Station.Api;

/// <summary><c>/api/uploads</c>: the queue of cloud-connected records, and the ones the cloud rejected.</summary>
internal static class UploadsApi
{
    public static IEndpointRouteBuilder MapUploadsApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/uploads");
        group.MapGet("/", ListAsync);
        group.MapPost("/{recordId}/requeue", RequeueAsync);
        return routes;
    }

    private static async Task<Ok<QueueView>> ListAsync(Station station, CancellationToken ct) =>
        TypedResults.Ok(new QueueView(await station.State.CountPendingUploadsAsync(ct), await station.State.ListRejectedUploadsAsync(ct)));

    private static async Task<Results<Ok<RequeueView>, ProblemHttpResult>> RequeueAsync(Station station, string recordId, CancellationToken ct)
    {
        if (await station.State.GetRecordAsync(recordId, ct) is null) return ApiProblems.NotFound($"the log holds no record {recordId}.");
        try
        {
            await station.State.RequeueUploadAsync(recordId, ct);
        }
        catch (StationException ex)
        {
            return ApiProblems.Conflict(ex.Message);
        }

        // The daemon holds the station, so it can try at once instead of at the next sync.
        if (station.Cloud is { } link)
        {
            try
            {
                await link.UploadPendingAsync(ct);
            }
            catch (Exception ex) when (ex is HttpRequestException or CloudApiException || (ex is TaskCanceledException && !ct.IsCancellationRequested))
            {
                // Stays queued: uploaded at the next sync or unit.
            }
        }

        var states = await station.State.ReadUploadStatesAsync(ct);
        if (!states.TryGetValue(recordId, out var state)) return TypedResults.Ok(new RequeueView(recordId, "uploaded", null));
        var rejection = state == UploadState.Rejected ? (await station.State.ListRejectedUploadsAsync(ct)).FirstOrDefault(r => r.RecordId == recordId) : null;
        return TypedResults.Ok(new RequeueView(recordId, state == UploadState.Rejected ? "rejected" : "queued", rejection?.Message));
    }

    internal sealed record QueueView(long Queued, IReadOnlyList<RejectedUpload> Rejected);

    internal sealed record RequeueView(string RecordId, string State, string? Message);
}
