using System.Net;
using System.Text.Json;
using Imprint.Station.Execution;
using Imprint.Station.Records;
using Imprint.Station.State;
using CloudApiException = Imprint.Sdk.Cloud.CloudApiException;
using CloudJson = Imprint.Sdk.Cloud.CloudJson;
using Grant = Imprint.Sdk.Cloud.Grant;
using GrantRequest = Imprint.Sdk.Cloud.GrantRequest;
using SignedGrant = Imprint.Sdk.Cloud.SignedGrant;
using StationCloudClient = Imprint.Sdk.Cloud.StationCloudClient;
using StationSignature = Imprint.Sdk.Cloud.StationSignature;
using SdkRecord = Imprint.Sdk.Cloud.ProgrammingRecord;
using SdkResult = Imprint.Sdk.Cloud.UnitResult;
using SdkTest = Imprint.Sdk.Cloud.TestResult;

namespace Imprint.Station.Cloud;

/// <summary>
/// A provisioned station's connection to its cloud: asks a grant before each unit of a
/// cloud-connected (JOB) image, uploads the records the station queued for the cloud, and
/// fetches the images of the jobs the station is authorized for.
/// </summary>
/// <remarks>
/// Records are queued in the station database in the same transaction that writes them, and
/// leave the queue only once the cloud acknowledged them; the cloud ignores a record id it
/// already holds. So a network cut or crash between the two loses nothing and counts nothing twice.
/// A record the cloud refuses for good is set aside as rejected, so it does not hold up the others.
/// </remarks>
public sealed class CloudLink : IDisposable
{
    private const int UploadBatch = 100;
    private readonly StationCloudClient _client;
    private readonly StationState _state;
    private readonly ImageSync _images;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _uploadGate = new(1, 1);
    private readonly SemaphoreSlim _syncGate = new(1, 1);

    internal CloudLink(CloudSettings settings, StationCloudClient client, StationState state, ImageSync images, TimeProvider time)
    {
        Settings = settings;
        _client = client;
        _state = state;
        _images = images;
        _time = time;
    }

    /// <summary>Gets the station's cloud settings.</summary>
    public CloudSettings Settings { get; }

    /// <summary>
    /// Uploads every queued record, in batches, oldest first. When the cloud refuses a batch for
    /// good (a 4xx other than 401, 403, 408 and 429), the batch is sent again one record at a
    /// time: the records the cloud refuses on their own are set aside as rejected, with its
    /// answer (<see cref="StationState.ListRejectedUploadsAsync"/>), and the rest are uploaded.
    /// </summary>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>How many records the cloud acknowledged, and those it rejected.</returns>
    /// <exception cref="CloudApiException">The cloud refused for a reason that may pass (401, 403, 408, 429, 5xx): the records stay queued.</exception>
    /// <exception cref="HttpRequestException">The cloud cannot be reached (the records stay queued).</exception>
    public async Task<UploadReport> UploadPendingAsync(CancellationToken cancellationToken = default)
    {
        await _uploadGate.WaitAsync(cancellationToken);
        try
        {
            int uploaded = 0;
            var rejected = new List<RejectedUpload>();
            while (true)
            {
                var pending = await _state.ReadPendingUploadsAsync(UploadBatch, cancellationToken);
                if (pending.Count == 0) return new UploadReport(uploaded, rejected);
                try
                {
                    await _client.ReportResultsAsync([.. pending.Select(ToCloud)], cancellationToken);
                    await _state.MarkUploadedAsync(pending.Select(r => r.Id), cancellationToken);
                    uploaded += pending.Count;
                }
                catch (CloudApiException refused) when (IsPermanent(refused))
                {
                    // The cloud stores a batch whole or not at all, so one bad record refuses
                    // them all: sending them one by one tells which.
                    foreach (var record in pending)
                    {
                        var reason = refused;
                        if (pending.Count > 1)
                        {
                            try
                            {
                                await _client.ReportResultsAsync([ToCloud(record)], cancellationToken);
                                await _state.MarkUploadedAsync([record.Id], cancellationToken);
                                uploaded++;
                                continue;
                            }
                            catch (CloudApiException one) when (IsPermanent(one))
                            {
                                reason = one;
                            }
                        }

                        var at = _time.GetUtcNow();
                        await _state.MarkRejectedAsync(record.Id, (int)reason.Status, reason.Message, at, cancellationToken);
                        rejected.Add(new RejectedUpload(record.Id, record.ImageId, record.StartedAt, at, (int)reason.Status, reason.Message));
                    }
                }
            }
        }
        finally
        {
            _uploadGate.Release();
        }
    }

    /// <summary>
    /// Reports the station alive (software version, images held) and fetches the image of every
    /// active job it is authorized for that the cloud holds and the station does not: downloaded
    /// to a temp file in the station folder, checked against the job's SHA-256, and added through
    /// the image store like any other image. One job's failure does not stop the others.
    /// </summary>
    /// <param name="cancellationToken">Cancels the operation (a download in progress leaves nothing behind).</param>
    /// <returns>What became of each job.</returns>
    /// <exception cref="StationException">The cloud cannot be reached.</exception>
    /// <exception cref="CloudApiException">The cloud refused the station (for example 401: deprovisioned).</exception>
    public async Task<ImageSyncReport> SyncImagesAsync(CancellationToken cancellationToken = default)
    {
        await _syncGate.WaitAsync(cancellationToken);
        try
        {
            return await _images.RunAsync(Settings.CloudUrl, cancellationToken);
        }
        finally
        {
            _syncGate.Release();
        }
    }

    /// <inheritdoc/>
    /// <remarks>The station disposes its link when it closes.</remarks>
    public void Dispose()
    {
        _uploadGate.Dispose();
        _syncGate.Dispose();
    }

    /// <summary>Uploads queued records if the cloud is reachable; leaves them queued otherwise.</summary>
    internal async Task TryUploadPendingAsync(CancellationToken cancellationToken)
    {
        try
        {
            await UploadPendingAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is HttpRequestException or CloudApiException || (ex is TaskCanceledException && !cancellationToken.IsCancellationRequested))
        {
            // Retried before the next unit and on the next start.
        }
    }

    /// <summary>Asks the cloud's permission for one unit of a JOB image.</summary>
    /// <exception cref="UnitRefusedException">The image is bound to another account, or the cloud refused or cannot be reached.</exception>
    internal async Task<CloudUnit> RequestUnitAsync(StationImage image, CancellationToken cancellationToken)
    {
        var name = image.Name;
        var binding = image.Spec.Binding
            ?? throw new UnitRefusedException($"image {name} is a cloud-connected (JOB) image without a cloud binding (account, factory, cloud URL); rebuild it with one.");
        if (!string.Equals(binding.AccountId, Settings.AccountId, StringComparison.Ordinal))
        {
            throw new UnitRefusedException($"image {name} is bound to cloud account {binding.AccountId}, but this station is provisioned for account {Settings.AccountId}.");
        }

        SignedGrant signed;
        try
        {
            signed = await _client.RequestGrantAsync(new GrantRequest(null, image.ImageId, 1), cancellationToken);
        }
        catch (CloudApiException ex)
        {
            throw new UnitRefusedException($"the cloud refused a unit of image {name}: {ex.Message}");
        }
        catch (Exception ex) when (ex is HttpRequestException || (ex is TaskCanceledException && !cancellationToken.IsCancellationRequested))
        {
            throw new UnitRefusedException($"the cloud at {Settings.CloudUrl} cannot be reached ({ex.Message}); image {name} is cloud-connected and needs its permission for every unit.");
        }

        // Only what the cloud signed counts: the grant is read from the signed payload.
        if (!StationSignature.VerifyGrant(Settings.CloudPublicKey, signed))
        {
            throw new UnitRefusedException($"the grant {signed.Grant.Id} for image {name} does not carry a valid signature of the cloud key {Settings.CloudKeyId} this station was provisioned with.");
        }

        var grant = JsonSerializer.Deserialize<Grant>(Convert.FromBase64String(signed.Payload), CloudJson.Options)
            ?? throw new UnitRefusedException($"the grant {signed.Grant.Id} for image {name} has an empty payload.");
        if (grant.StationId != Settings.StationId || grant.ImageId != image.ImageId || grant.Units.Count != 1)
        {
            throw new UnitRefusedException(
                $"the grant {grant.Id} is for station {grant.StationId}, image {grant.ImageId} and {grant.Units.Count} units, not for one unit of image {image.ImageId} on station {Settings.StationId}.");
        }

        var unit = grant.Units[0];
        return new CloudUnit(grant.Id, grant.JobId, unit.Index, unit.Serials.ToDictionary(s => s.Name, s => (ulong)s.Value, StringComparer.Ordinal));
    }

    // Refusals that retrying cannot change. 401/403 (a deprovisioned or moved station), 408 and
    // 429 may pass, and only a ProblemDetails answer is the cloud's own (a proxy's 404 page is not).
    private static bool IsPermanent(CloudApiException ex) =>
        (int)ex.Status is >= 400 and < 500
        && ex.Status is not (HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden or HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests)
        && ex.Title is not null;

    private static SdkRecord ToCloud(ProgrammingRecord record)
    {
        var cloud = record.Cloud ?? throw new InvalidOperationException($"Record {record.Id} has no cloud grant.");
        return new SdkRecord(
            record.Id,
            cloud.GrantId,
            cloud.UnitIndex,
            record.StartedAt,
            record.StartedAt.AddMilliseconds(record.DurationMs),
            record.Result == UnitResult.Pass ? SdkResult.Success : SdkResult.Failure,
            record.FailureStep,
            record.FailureMessage,
            record.Data,
            [.. record.Tests.Select(t => new SdkTest(t.Label, (long)(t.Value ?? 0), t.Passed))],
            record.Dynamic,
            record.Steps.ToDictionary(s => s.Index.ToString(System.Globalization.CultureInfo.InvariantCulture) + ":" + s.Step, s => (long)s.DurationMs, StringComparer.Ordinal));
    }
}
