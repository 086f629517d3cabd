using Imprint.Cloud.Apis;
using Imprint.Cloud.Dashboard;
using Imprint.Cloud.Internal;
using Microsoft.Extensions.DependencyInjection;

namespace Imprint.Cloud;

/// <summary>Adds the cloud's middleware and endpoints to a web application.</summary>
public static class CloudApplicationExtensions
{
    public static WebApplication MapImprintCloud(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var options = app.Services.GetRequiredService<CloudOptions>();
        // First, so that everything after it sees the client's scheme and host.
        app.UseCloudProxyHeaders(options);
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseRouting();
        app.UseCloudRequestLimits(options);
        app.UseAuthentication();
        app.UseAuthorization();

        app.MapOpenApi("/openapi/{documentName}.json");
        app.MapHealthApi();
        app.MapAccountApi();
        app.MapCredentialsApi();
        app.MapFactoriesApi();
        app.MapStationsApi();
        app.MapJobsApi();
        app.MapRecordsApi();
        app.MapAuditApi();
        app.MapStationProtocolApi();
        app.MapImprintDashboard();
        return app;
    }
}
