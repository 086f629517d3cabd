using Imprint.Station.State;
using CloudApiException = Imprint.Sdk.Cloud.CloudApiException;

namespace Imprint.Station.Cloud;

/// <summary>
/// A provisioned station daemon's periodic exchange with its cloud: upload the queued records
/// (one rejected record does not stop the rest), then fetch new job images. Runs once at start
/// and then every interval; a failed round is reported and retried at the next one.
/// </summary>
internal sealed class CloudSyncLoop : IAsyncDisposable
{
    private readonly CloudLink _link;
    private readonly StationState _state;
    private HashSet<(string Id, DateTimeOffset At)> _rejectedSeen = [];
    private readonly TimeSpan _interval;
    private readonly TimeProvider _time;
    private readonly Action<CloudSyncRun>? _report;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public CloudSyncLoop(CloudLink link, StationState state, TimeSpan interval, TimeProvider time, Action<CloudSyncRun>? report)
    {
        _link = link;
        _state = state;
        _interval = interval;
        _time = time;
        _report = report;
        _loop = Task.Run(() => RunAsync(_stop.Token));
    }

    /// <summary>Gets the latest finished round, or <see langword="null"/> before the first.</summary>
    public CloudSyncRun? Last { get; private set; }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _loop;
        }
        catch (OperationCanceledException)
        {
        }

        _stop.Dispose();
    }

    private async Task RunAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            var run = await RunOnceAsync(stop);
            Last = run;
            _report?.Invoke(run);
            await Task.Delay(_interval, _time, stop);
        }
    }

    private async Task<CloudSyncRun> RunOnceAsync(CancellationToken stop)
    {
        var at = _time.GetUtcNow();
        UploadReport? uploads = null;
        ImageSyncReport? images = null;
        string? error = null;
        try
        {
            uploads = await _link.UploadPendingAsync(stop);
            images = await _link.SyncImagesAsync(stop);
        }
        catch (Exception ex) when (ex is ImprintException or HttpRequestException || (ex is TaskCanceledException && !stop.IsCancellationRequested))
        {
            var what = uploads is null ? "the queued records stay queued" : "no image was synchronized";
            error = ex switch
            {
                CloudApiException refused => $"the cloud refused the station's {(uploads is null ? "upload" : "heartbeat")} ({(int)refused.Status}: {refused.Message.TrimEnd('.')}); {what}.",
                ImprintException own => own.Message,
                _ => $"the cloud at {_link.Settings.CloudUrl} cannot be reached ({ex.Message.TrimEnd('.')}); {what}.",
            };
        }

        // Records are also uploaded after every unit and at start, so rejections are found by
        // reading the queue rather than from this round's upload alone.
        var rejected = await _state.ListRejectedUploadsAsync(stop);
        var fresh = rejected.Where(r => !_rejectedSeen.Contains((r.RecordId, r.RejectedAt))).ToList();
        _rejectedSeen = [.. rejected.Select(r => (r.RecordId, r.RejectedAt))];
        return new CloudSyncRun(at, uploads, images, fresh, error);
    }
}
