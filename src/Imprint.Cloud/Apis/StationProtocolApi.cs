using System.Security.Claims;
using System.Text.Json;
using Imprint.Cloud.Security;
using Imprint.Cloud.Services;
using Imprint.Sdk.Cloud;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Imprint.Cloud.Apis;

/// <summary>What stations call: register (with a token), then signed heartbeat, grants, results and image download.</summary>
public static class StationProtocolApi
{
    public static IEndpointRouteBuilder MapStationProtocolApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/station/v1/register", Register).Accepts<RegisterStationRequest>("application/json")
            .WithTags("Station protocol").WithProblems().AllowAnonymous();
        var group = app.StationGroup("/station/v1", "Station protocol");
        group.MapGet("/self", Self);
        group.MapPost("/heartbeat", Heartbeat);
        group.MapPost("/grants", RequestGrant).WithMetadata(new NonceInTransactionMetadata());
        group.MapPost("/results", ReportResults).WithMetadata(new NonceInTransactionMetadata());
        group.MapGet("/jobs/{id}/image", DownloadImage);
        return app;
    }

    /// <summary>
    /// Registration is signed like every station request, but with the key it registers (there is
    /// no station yet): the body is read here, as the bytes that were signed, before it is bound.
    /// </summary>
    public static async Task<Created<StationRegistration>> Register(HttpContext context, StationService stations, CloudOptions options, TimeProvider time, CancellationToken ct)
    {
        var body = await SignedRequest.ReadBodyAsync(context, options.MaxRequestBytes);
        RegisterStationRequest? request;
        try
        {
            request = JsonSerializer.Deserialize<RegisterStationRequest>(body, CloudJson.Options);
        }
        catch (JsonException ex)
        {
            // The same answer ASP.NET's own binding gives malformed JSON (CloudExceptionHandler).
            throw new BadHttpRequestException("The registration body is not valid JSON.", StatusCodes.Status400BadRequest, ex);
        }

        if (request is null)
        {
            throw CloudException.Invalid("body", "a registration {token, publicKey, name, softwareVersion} is required.");
        }

        var signed = SignedRequest.Read(context.Request, withStation: false, out var malformed)
            ?? throw new CloudException(CloudErrorKind.Unauthorized, "Registration not signed", malformed);
        if (signed.SkewProblem(time, options.ClockSkew, "registration") is { } skewed)
        {
            throw new CloudException(CloudErrorKind.Unauthorized, "Registration timestamp refused", skewed);
        }

        var registration = await stations.RegisterAsync(request, signed.Canonical(context, body), signed.Signature, ct);
        return TypedResults.Created((string?)null, registration);
    }

    public static async Task<Ok<StationSelf>> Self(ClaimsPrincipal user, StationService stations, CancellationToken ct) =>
        TypedResults.Ok(await stations.SelfAsync(user.ToStation(), ct));

    public static async Task<Ok<StationSelf>> Heartbeat(HeartbeatRequest request, ClaimsPrincipal user, StationService stations, CancellationToken ct) =>
        TypedResults.Ok(await stations.HeartbeatAsync(user.ToStation(), request, ct));

    public static async Task<Ok<SignedGrant>> RequestGrant(GrantRequest request, ClaimsPrincipal user, GrantService grants, CancellationToken ct) =>
        TypedResults.Ok(await grants.RequestAsync(user.ToStation(), request, ct));

    public static async Task<Ok<ResultsResponse>> ReportResults(ResultsRequest request, ClaimsPrincipal user, RecordService records, CancellationToken ct) =>
        TypedResults.Ok(await records.IngestAsync(user.ToStation(), request.Records ?? [], ct));

    public static async Task<FileStreamHttpResult> DownloadImage(string id, ClaimsPrincipal user, JobService jobs, CancellationToken ct)
    {
        var (content, sha) = await jobs.OpenImageAsync(user.ToStation(), id, ct);
        return TypedResults.File(content, "application/octet-stream", $"{sha}.imp");
    }
}
