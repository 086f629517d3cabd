using Imprint.Cloud.Internal;
using Imprint.Cloud.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Imprint.Cloud.Services;

/// <summary>
/// Reclaims expired reservations and forgets old nonces in the background. Every host runs one;
/// the database makes them safe together (rows are claimed with conditional updates). The grant
/// transaction also reclaims lazily, so correctness never depends on this running.
/// </summary>
internal sealed class ReservationSweeper(GrantService grants, CloudDatabase database, CloudOptions options, ReadyState ready, ILogger<ReservationSweeper> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.SweepInterval <= TimeSpan.Zero)
        {
            return;
        }

        using var timer = new PeriodicTimer(options.SweepInterval, options.Time);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            if (!ready.IsReady)
            {
                continue;
            }

            try
            {
                await SweepOnceAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning(ex, "Sweep failed; retrying at the next tick");
            }
        }
    }

    internal async Task SweepOnceAsync(CancellationToken ct)
    {
        int reclaimed;
        do
        {
            reclaimed = await grants.ReclaimExpiredAsync(ct).ConfigureAwait(false);
            if (reclaimed > 0)
            {
                logger.LogInformation("Reclaimed {Units} expired reserved units", reclaimed);
            }
        }
        while (reclaimed >= 1000);

        var now = options.Time.Now();
        await database.WriteAsync(s => s.ExecuteAsync("DELETE FROM station_nonces WHERE expires_at < @now", new { now }, ct), ct).ConfigureAwait(false);
    }
}
