using System.Security.Cryptography;
using Imprint.Images;
using Imprint.Projects;
using Imprint.Station.Images;
using Imprint.Station.Keys;
using CloudApiException = Imprint.Sdk.Cloud.CloudApiException;
using HeartbeatRequest = Imprint.Sdk.Cloud.HeartbeatRequest;
using JobStatus = Imprint.Sdk.Cloud.JobStatus;
using StationCloudClient = Imprint.Sdk.Cloud.StationCloudClient;
using StationJob = Imprint.Sdk.Cloud.StationJob;

namespace Imprint.Station.Cloud;

/// <summary>
/// Fetches the images of the jobs a station is authorized for. The cloud is not trusted with
/// more than delivery: every download is checked against the job's SHA-256 and then added
/// through <see cref="ImageStore.AddAsync(string, CancellationToken)"/>, the path a user's
/// upload takes (container, signature, section hashes, decryption when the key is held); the
/// signer's trust and the key are checked again before every unit.
/// </summary>
internal sealed class ImageSync(
    StationCloudClient client, ImageStore images, KeyStore keys, StationDirectory directory, bool trustAnySigner, string? softwareVersion, TimeProvider time)
{
    private const string DownloadSuffix = ".download";

    public async Task<ImageSyncReport> RunAsync(string cloudUrl, CancellationToken cancellationToken)
    {
        var at = time.GetUtcNow();

        // Left by a process killed mid-download; this process holds the folder's lock, so none is in use.
        foreach (var stale in Directory.EnumerateFiles(directory.ImagesPath, "*" + DownloadSuffix)) File.Delete(stale);

        var held = await HeldAsync(cancellationToken);
        var told = held.ToHashSet(StringComparer.OrdinalIgnoreCase);
        var self = await HeartbeatAsync(cloudUrl, held, cancellationToken);
        var jobs = new List<JobImageSync>(self.Jobs.Count);
        foreach (var job in self.Jobs)
        {
            jobs.Add(await SyncAsync(job, held, cancellationToken));
        }

        // The cloud's station list shows what the station holds: tell it at once, not a minute later.
        var now = await HeldAsync(cancellationToken);
        if (!now.SetEquals(told))
        {
            await HeartbeatAsync(cloudUrl, now, cancellationToken);
        }

        return new ImageSyncReport(at, jobs);
    }

    private async Task<HashSet<string>> HeldAsync(CancellationToken cancellationToken) =>
        (await images.ListAsync(cancellationToken)).Select(i => i.ImageId).ToHashSet(StringComparer.OrdinalIgnoreCase);

    private async Task<Imprint.Sdk.Cloud.StationSelf> HeartbeatAsync(string cloudUrl, HashSet<string> held, CancellationToken cancellationToken)
    {
        try
        {
            return await client.HeartbeatAsync(new HeartbeatRequest(softwareVersion, [.. held.Order(StringComparer.Ordinal)]), cancellationToken);
        }
        catch (Exception ex) when (ex is HttpRequestException || (ex is TaskCanceledException && !cancellationToken.IsCancellationRequested))
        {
            throw new StationException($"the cloud at {cloudUrl} cannot be reached ({ex.Message.TrimEnd('.')}); no image was synchronized.", ex);
        }
    }

    private async Task<JobImageSync> SyncAsync(StationJob job, HashSet<string> held, CancellationToken cancellationToken)
    {
        if (job.Status != JobStatus.Active)
        {
            return new(job.JobId, job.ImageId, ImageSyncOutcome.Skipped, $"job {job.JobId} is {job.Status.ToString().ToLowerInvariant()}; images are fetched for active jobs only.");
        }

        if (held.Contains(job.ImageId))
        {
            var removed = await ReplacedAsync(job, cancellationToken);
            return new(job.JobId, job.ImageId, ImageSyncOutcome.Held, $"the station holds image {job.ImageId} of job {job.JobId} already{removed}.");
        }

        if (!job.HasImage)
        {
            return new(job.JobId, job.ImageId, ImageSyncOutcome.Skipped, $"the cloud holds no image for job {job.JobId}; its image {job.ImageId} is delivered to stations directly.");
        }

        // Not named after the job: ids come from the cloud, and a file name is no place to trust them.
        var temp = Path.Combine(directory.ImagesPath, Guid.NewGuid().ToString("N") + DownloadSuffix);
        try
        {
            long size;
            try
            {
                await using var file = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true);
                await client.DownloadImageAsync(job.JobId, file, cancellationToken);
                size = file.Length;
            }
            catch (Exception ex) when (ex is HttpRequestException or IOException or CloudApiException || (ex is TaskCanceledException && !cancellationToken.IsCancellationRequested))
            {
                // The innermost message names the cause ("Connection reset by peer"), the outer ones only the layer.
                return Failed(job, $"the image of job {job.JobId} could not be downloaded ({ex.GetBaseException().Message.TrimEnd('.')}); nothing was added.");
            }

            string sha;
            await using (var read = File.OpenRead(temp))
            {
                sha = Convert.ToHexStringLower(await SHA256.HashDataAsync(read, cancellationToken));
            }

            if (!string.Equals(sha, job.ImageSha256, StringComparison.OrdinalIgnoreCase))
            {
                return Failed(job, $"the image downloaded for job {job.JobId} has SHA-256 {sha}, not the job's {job.ImageSha256.ToLowerInvariant()}; it was not added.");
            }

            var header = ImageReader.ReadHeader(temp);
            if (!string.Equals(header.Id.ToString(), job.ImageId, StringComparison.OrdinalIgnoreCase) || header.Type != ImageType.Job)
            {
                return Failed(job, $"the image downloaded for job {job.JobId} is {header.Type.ToString().ToUpperInvariant()} image {header.Id}, not the job's JOB image {job.ImageId}; it was not added.");
            }

            var stored = await images.AddAsync(temp, cancellationToken);
            held.Add(stored.ImageId);
            var removed = await ReplacedAsync(job, cancellationToken);
            var label = stored.Name is null ? $"image {stored.ImageId}" : $"image {stored.Name} ({stored.ImageId})";
            var missing = Missing(stored);
            return new(job.JobId, job.ImageId, ImageSyncOutcome.Fetched, missing is null
                ? $"downloaded {label} of job {job.JobId} ({size} bytes) and added it to the station{removed}."
                : $"downloaded {label} of job {job.JobId} ({size} bytes) and added it to the station{removed}, but it cannot be programmed until {missing}.");
        }
        catch (ImprintException ex)
        {
            return Failed(job, $"the image downloaded for job {job.JobId} was refused: {ex.Message}");
        }
        finally
        {
            File.Delete(temp);
        }
    }

    /// <summary>
    /// A new revision of a job replaces its old image on the station, once the new one is held:
    /// the cloud grants no more units for the old one. Returns the clause the reason gains.
    /// </summary>
    private async Task<string> ReplacedAsync(StationJob job, CancellationToken cancellationToken)
    {
        var removed = await images.ReplaceJobImageAsync(job.JobId, job.ImageId, cancellationToken);
        return removed.Count == 0 ? "" : $"; removed image {string.Join(", ", removed)} of an earlier revision";
    }

    private string? Missing(StoredImage image)
    {
        if (!trustAnySigner && !keys.Trusts(image.Signer)) return $"its signer's public key {image.Signer} is added to the station's keys";
        if (image.KeyId is { } key && !keys.HoldsEncryptionKey(key)) return $"its encryption key {key} is added to the station's keys";
        return null;
    }

    private static JobImageSync Failed(StationJob job, string reason) => new(job.JobId, job.ImageId, ImageSyncOutcome.Failed, reason);
}
