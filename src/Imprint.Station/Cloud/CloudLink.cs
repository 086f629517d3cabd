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
/// cloud-connected (JOB) image and uploads the records the station queued for the cloud.
/// </summary>
/// <remarks>
/// Records are queued in the station database in the same transaction that writes them, and
/// leave the queue only once the cloud acknowledged them; the cloud ignores a record id it
/// already holds. So a network cut or crash between the two loses nothing and counts nothing twice.
/// </remarks>
public sealed class CloudLink
{
    private const int UploadBatch = 100;
    private readonly StationCloudClient _client;
    private readonly StationState _state;

    internal CloudLink(CloudSettings settings, StationCloudClient client, StationState state)
    {
        Settings = settings;
        _client = client;
        _state = state;
    }

    /// <summary>Gets the station's cloud settings.</summary>
    public CloudSettings Settings { get; }

    /// <summary>Uploads every queued record, in batches, oldest first.</summary>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>How many records the cloud acknowledged.</returns>
    /// <exception cref="CloudApiException">The cloud refused a batch (the records stay queued).</exception>
    /// <exception cref="HttpRequestException">The cloud cannot be reached (the records stay queued).</exception>
    public async Task<int> UploadPendingAsync(CancellationToken cancellationToken = default)
    {
        int uploaded = 0;
        while (true)
        {
            var pending = await _state.ReadPendingUploadsAsync(UploadBatch, cancellationToken);
            if (pending.Count == 0) return uploaded;
            await _client.ReportResultsAsync([.. pending.Select(ToCloud)], cancellationToken);
            await _state.MarkUploadedAsync(pending.Select(r => r.Id), cancellationToken);
            uploaded += pending.Count;
        }
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
