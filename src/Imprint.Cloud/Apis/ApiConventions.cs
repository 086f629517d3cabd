using Imprint.Cloud.Security;

namespace Imprint.Cloud.Apis;

/// <summary>What every owner or station route group shares.</summary>
internal static class ApiConventions
{
    public static RouteGroupBuilder OwnerGroup(this IEndpointRouteBuilder app, string prefix, string tag) =>
        app.MapGroup(prefix).WithTags(tag).RequireAuthorization(CloudSchemes.Credential).WithProblems();

    public static RouteGroupBuilder StationGroup(this IEndpointRouteBuilder app, string prefix, string tag) =>
        app.MapGroup(prefix).WithTags(tag).RequireAuthorization(CloudSchemes.Station).WithProblems();

    public static TBuilder WithProblems<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge);

    /// <summary>The URL clients should use for this cloud: the configured public URL, else the request's own base.</summary>
    public static string CloudUrl(this HttpContext context, CloudOptions options) =>
        options.PublicUrl ?? $"{context.Request.Scheme}://{context.Request.Host}{context.Request.PathBase}";
}
