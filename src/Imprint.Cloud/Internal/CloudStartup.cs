using Imprint.Cloud.Blobs;
using Imprint.Cloud.Security;
using Imprint.Cloud.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Imprint.Cloud.Internal;

/// <summary>Migrates the schema and loads the signing key before the host accepts requests.</summary>
internal sealed class CloudStartup(CloudDatabase database, CloudSigningKey key, CloudOptions options, IBlobStore blobs, ReadyState ready, ILogger<CloudStartup> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        logger.LogInformation("Cloud starting on {Database}, blobs in {Blobs}", database.Description, blobs.Description);
        await database.MigrateAsync(logger, cancellationToken).ConfigureAwait(false);
        await key.LoadOrCreateAsync(database, options.Time, cancellationToken).ConfigureAwait(false);
        logger.LogInformation("Grant-signing key {KeyId} loaded", key.KeyId);
        ready.IsReady = true;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>Whether startup finished (schema migrated, key loaded): what /ready reports with a database ping.</summary>
internal sealed class ReadyState
{
    public volatile bool IsReady;
}
