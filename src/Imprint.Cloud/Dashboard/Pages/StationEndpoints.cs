using Imprint.Cloud.Apis;
using Imprint.Cloud.Dashboard.Internal;
using Imprint.Cloud.Security;
using Imprint.Cloud.Services;
using Imprint.Sdk.Cloud;

namespace Imprint.Cloud.Dashboard.Pages;

/// <summary>Stations: last seen, version, factory, jobs, utilization; provisioning tokens; moving to another factory; deprovisioning.</summary>
internal static class StationEndpoints
{
    public static void Map(RouteGroupBuilder signedIn)
    {
        signedIn.MapGet("/stations", ShowAsync);
        signedIn.MapPost("/stations/provisioning-tokens", CreateTokenAsync).Form();
        signedIn.MapPost("/stations/{id}/deprovision", DeprovisionAsync).Form();
        signedIn.MapPost("/stations/{id}/reassign", ReassignAsync).Form();
    }

    public static async Task<IResult> ShowAsync(HttpContext context, FactoryService factories, StationService stations, JobService jobs, CancellationToken ct) =>
        View.Page<StationsPage>(await ModelAsync(context, factories, stations, jobs, null, ct));

    /// <summary>Creates a one-time token and shows it on this response only (it is never put in a URL or a cookie).</summary>
    public static async Task<IResult> CreateTokenAsync(
        HttpContext context, CloudOptions options, FactoryService factories, StationService stations, JobService jobs, CancellationToken ct)
    {
        var form = await context.Request.ReadFormAsync(ct);
        var group = form["group"].ToString().Trim();
        int? minutes = int.TryParse(form["expiresInMinutes"], out var m) ? m : null;
        try
        {
            var token = await stations.CreateProvisioningTokenAsync(context.User.ToActor(), form["factoryId"].ToString(),
                new ProvisioningTokenRequest(group.Length == 0 ? null : group, minutes), context.CloudUrl(options), ct);
            return View.Page<StationsPage>(await ModelAsync(context, factories, stations, jobs, token, ct));
        }
        catch (CloudException ex) when (ex.Kind != CloudErrorKind.NotFound)
        {
            FlashMessage.Set(context, FlashKind.Refused, ex.Message);
            return TypedResults.Redirect("/stations");
        }
    }

    public static async Task<IResult> DeprovisionAsync(string id, HttpContext context, StationService stations, CancellationToken ct)
    {
        try
        {
            var station = await stations.DeprovisionAsync(context.User.ToActor(), id, ct);
            FlashMessage.Set(context, FlashKind.Done, $"Station '{station.Name}' is deprovisioned: its requests are refused from now on.");
        }
        catch (CloudException ex) when (ex.Kind != CloudErrorKind.NotFound)
        {
            FlashMessage.Set(context, FlashKind.Refused, ex.Message);
        }

        return TypedResults.Redirect("/stations");
    }

    public static async Task<IResult> ReassignAsync(string id, HttpContext context, StationService stations, FactoryService factories, CancellationToken ct)
    {
        var form = await context.Request.ReadFormAsync(ct);
        try
        {
            var actor = context.User.ToActor();
            var station = await stations.ReassignAsync(actor, id, form["factoryId"].ToString(), ct);
            var factory = (await factories.ListAsync(actor, ct)).First(f => f.Id == station.FactoryId);
            FlashMessage.Set(context, FlashKind.Done,
                $"Station '{station.Name}' now belongs to {factory.Name}: it is off the lists of its old factory's jobs and runs what the new factory's jobs allow.");
        }
        catch (CloudException ex) when (ex.Kind != CloudErrorKind.NotFound)
        {
            FlashMessage.Set(context, FlashKind.Refused, ex.Message);
        }

        return TypedResults.Redirect("/stations");
    }

    private static async Task<StationsModel> ModelAsync(
        HttpContext context, FactoryService factories, StationService stations, JobService jobs, ProvisioningToken? token, CancellationToken ct)
    {
        var actor = context.User.ToActor();
        var frame = await Frame.ForAsync(context, "Stations", Section.Stations, ct);
        var utilization = await stations.UtilizationAsync(actor, frame.Now.AddDays(-1), frame.Now, ct);
        return new StationsModel(frame, await factories.ListAsync(actor, ct), await stations.ListAsync(actor, null, ct), utilization,
            await jobs.ListAsync(actor, null, false, ct), token);
    }
}
