using Imprint.Station.Cloud;

namespace Imprint.Cli.Commands;

/// <summary>
/// What <c>imprint station serve</c> prints about its periodic exchange with the cloud: images
/// fetched or failed, records rejected, and an error once when it starts and when it changes
/// (not every minute while the cloud is down).
/// </summary>
internal sealed class CloudSyncPrinter(TextWriter output)
{
    private readonly Lock _gate = new();
    private string? _lastError;

    public void Print(CloudSyncRun run)
    {
        lock (_gate)
        {
            var at = run.At.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture);
            foreach (var job in run.Images?.Jobs ?? [])
            {
                if (job.Outcome is ImageSyncOutcome.Fetched or ImageSyncOutcome.Failed)
                {
                    output.WriteLine($"{at} sync: {job.Outcome.ToString().ToLowerInvariant()} {job.JobId}: {job.Reason}");
                }
            }

            foreach (var r in run.NewlyRejected)
            {
                output.WriteLine($"{at} sync: the cloud rejected record {r.RecordId} ({r.Status}): {r.Message}");
            }

            if (run.Error != _lastError)
            {
                output.WriteLine(run.Error is null ? $"{at} sync: the cloud is reachable again." : $"{at} sync: {run.Error}");
                _lastError = run.Error;
            }

            output.Flush();
        }
    }
}
