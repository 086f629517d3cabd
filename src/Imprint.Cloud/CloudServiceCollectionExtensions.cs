using Imprint.Cloud.Blobs;
using Imprint.Cloud.Dashboard;
using Imprint.Cloud.Internal;
using Imprint.Cloud.Security;
using Imprint.Cloud.Services;
using Imprint.Cloud.Storage;
using Imprint.Sdk.Cloud;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Imprint.Cloud;

/// <summary>Registers the cloud's services: storage, the service layer, authentication, ProblemDetails, OpenAPI.</summary>
public static class CloudServiceCollectionExtensions
{
    public static IServiceCollection AddImprintCloud(this IServiceCollection services, CloudOptions options)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(options);
        Dapper.DefaultTypeMap.MatchNamesWithUnderscores = true;

        services.AddSingleton(options);
        services.TryAddSingleton(options.Time);
        services.AddSingleton(_ => DatabaseUrl.Open(options.Database, options.DataDirectory));
        services.AddSingleton<IBlobStore>(sp => options.Blobs == BlobStorage.Database
            ? new DatabaseBlobStore(sp.GetRequiredService<CloudDatabase>(), options.Time, options.StagingRoot)
            : new FileBlobStore(options.BlobRoot));
        services.TryAddSingleton<IImageInspector, ImageHeaderInspector>();
        services.AddSingleton<CloudSigningKey>();
        services.AddSingleton<ReadyState>();
        services.AddSingleton<AccountService>();
        services.AddSingleton<CredentialService>();
        services.AddSingleton<FactoryService>();
        services.AddSingleton<StationService>();
        services.AddSingleton<JobService>();
        services.AddSingleton<GrantService>();
        services.AddSingleton<RecordService>();
        services.AddSingleton<AuditLog>();
        services.AddHostedService<CloudStartup>();
        services.AddSingleton<ReservationSweeper>();
        services.AddHostedService(sp => sp.GetRequiredService<ReservationSweeper>());

        services.AddProblemDetails();
        services.AddExceptionHandler<CloudExceptionHandler>();
        services.Configure<JsonOptions>(o => CloudJson.Apply(o.SerializerOptions));
        // Binding failures (malformed JSON, wrong types) throw, so the exception handler answers them with ProblemDetails.
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.AddAuthentication(CloudSchemes.Credential)
            .AddScheme<AuthenticationSchemeOptions, CredentialAuthenticationHandler>(CloudSchemes.Credential, null)
            .AddScheme<AuthenticationSchemeOptions, StationSignatureHandler>(CloudSchemes.Station, null);
        services.AddAuthorizationBuilder()
            .AddPolicy(CloudSchemes.Credential, p => p.AddAuthenticationSchemes(CloudSchemes.Credential).RequireAuthenticatedUser())
            .AddPolicy(CloudSchemes.Station, p => p.AddAuthenticationSchemes(CloudSchemes.Station).RequireAuthenticatedUser());
        services.AddOpenApi("v1");
        services.AddImprintDashboard();
        return services;
    }
}
