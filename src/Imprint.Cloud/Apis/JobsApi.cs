using System.Security.Claims;
using Imprint.Cloud.Internal;
using Imprint.Cloud.Security;
using Imprint.Cloud.Services;
using Imprint.Sdk.Cloud;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Imprint.Cloud.Apis;

/// <summary>Jobs: registration from image metadata, status actions, revisions, authorized stations, restrictions, the image blob.</summary>
public static class JobsApi
{
    public static IReadOnlyList<string> Actions { get; } = ["pause", "resume", "disable", "restart", "delete"];

    public static IEndpointRouteBuilder MapJobsApi(this IEndpointRouteBuilder app)
    {
        var group = app.OwnerGroup("/api/v1/jobs", "Jobs");
        group.MapGet("/", List);
        group.MapPost("/", Register);
        group.MapGet("/{id}", Get);
        group.MapGet("/{id}/counters", Counters);
        foreach (var action in Actions)
        {
            group.MapPost($"/{{id}}/{action}", (string id, ClaimsPrincipal user, JobService jobs, CancellationToken ct) => ChangeStatus(id, action, user, jobs, ct))
                .WithName("Job" + char.ToUpperInvariant(action[0]) + action[1..]);
        }

        group.MapDelete("/{id}", (string id, ClaimsPrincipal user, JobService jobs, CancellationToken ct) => ChangeStatus(id, "delete", user, jobs, ct));
        group.MapPost("/{id}/revisions", Revise);
        group.MapPut("/{id}/stations", SetStations);
        group.MapPut("/{id}/restrictions", SetRestrictions);
        group.MapPut("/{id}/image", UploadImage).Accepts<Stream>("application/octet-stream").WithMetadata(new LargeBodyMetadata());
        app.OwnerGroup("/api/v1/serial-pools", "Jobs").MapGet("/", ListPools);
        return app;
    }

    public static async Task<Ok<IReadOnlyList<JobView>>> List(string? factoryId, bool? includeDeleted, ClaimsPrincipal user, JobService jobs, CancellationToken ct) =>
        TypedResults.Ok(await jobs.ListAsync(user.ToActor(), factoryId, includeDeleted ?? false, ct));

    public static async Task<Created<JobView>> Register(RegisterJobRequest request, ClaimsPrincipal user, JobService jobs, CancellationToken ct)
    {
        var job = await jobs.RegisterAsync(user.ToActor(), request, ct);
        return TypedResults.Created($"/api/v1/jobs/{job.Id}", job);
    }

    public static async Task<Ok<JobView>> Get(string id, ClaimsPrincipal user, JobService jobs, CancellationToken ct) =>
        TypedResults.Ok(await jobs.GetAsync(user.ToActor(), id, ct));

    public static async Task<Ok<JobCounters>> Counters(string id, ClaimsPrincipal user, JobService jobs, CancellationToken ct) =>
        TypedResults.Ok(await jobs.CountersAsync(user.ToActor(), id, ct));

    public static async Task<Ok<JobView>> ChangeStatus(string id, string action, ClaimsPrincipal user, JobService jobs, CancellationToken ct) =>
        TypedResults.Ok(await jobs.ChangeStatusAsync(user.ToActor(), id, action, ct));

    public static async Task<Ok<JobView>> Revise(string id, JobRevisionRequest request, ClaimsPrincipal user, JobService jobs, CancellationToken ct) =>
        TypedResults.Ok(await jobs.ReviseAsync(user.ToActor(), id, request, ct));

    public static async Task<Ok<JobView>> SetStations(string id, JobStationsRequest request, ClaimsPrincipal user, JobService jobs, CancellationToken ct) =>
        TypedResults.Ok(await jobs.SetStationsAsync(user.ToActor(), id, request, ct));

    public static async Task<Ok<JobView>> SetRestrictions(string id, JobRestrictions request, ClaimsPrincipal user, JobService jobs, CancellationToken ct) =>
        TypedResults.Ok(await jobs.SetRestrictionsAsync(user.ToActor(), id, request, ct));

    public static async Task<Ok<JobView>> UploadImage(string id, HttpRequest request, ClaimsPrincipal user, JobService jobs, CancellationToken ct) =>
        TypedResults.Ok(await jobs.UploadImageAsync(user.ToActor(), id, request.Body, ct));

    public static async Task<Ok<IReadOnlyList<SerialPoolView>>> ListPools(ClaimsPrincipal user, JobService jobs, CancellationToken ct) =>
        TypedResults.Ok(await jobs.ListPoolsAsync(user.ToActor(), ct));
}
