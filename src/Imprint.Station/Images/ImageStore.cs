using Imprint.Checksums;
using Imprint.Images;
using Imprint.Station.Keys;
using Imprint.Station.State;
using Imprint.IO;
using Imprint.Station.Internal;

namespace Imprint.Station.Images;

/// <summary>
/// The images a station holds, stored as delivered under <c>images/IMAGE-ID.imp</c> and indexed
/// in the database. Adding verifies what can be verified without trusting the signer: the
/// container, the signature against the embedded key, every section hash (and decryption,
/// when the key is held).
/// </summary>
/// <param name="directory">The station folder.</param>
/// <param name="state">The station database.</param>
/// <param name="keys">The keystore (to check images it can decrypt).</param>
/// <param name="time">The clock stamping additions.</param>
public sealed class ImageStore(StationDirectory directory, StationState state, KeyStore keys, TimeProvider time)
{
    /// <summary>Adds (or replaces) an image file.</summary>
    /// <param name="path">The image file.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The stored image.</returns>
    /// <exception cref="ImageException">The file is not an intact image.</exception>
    public async Task<StoredImage> AddAsync(string path, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(path);
        var header = ImageReader.ReadHeader(path);
        string? name = null;
        if (header.KeyId is null || keys.HoldsEncryptionKey(header.KeyId))
        {
            var opened = await ImageReader.OpenAsync(path, keys, trustedSigners: null, cancellationToken);
            name = opened.Spec.Name;
        }

        var id = header.Id.ToString();
        var stored = PathOf(id);
        if (!string.Equals(Path.GetFullPath(path), stored, StringComparison.Ordinal))
        {
            await AtomicFile.CopyAsync(path, stored, cancellationToken);
        }

        var bytes = await File.ReadAllBytesAsync(stored, cancellationToken);
        var image = new StoredImage(id, name, header.Type, header.KeyId, header.SignerFingerprint, Crc32.Compute(bytes), bytes.LongLength, time.GetUtcNow(), stored);
        await state.UpsertImageAsync(image, cancellationToken);
        return image;
    }

    /// <summary>Adds an image received as a stream (an upload).</summary>
    /// <param name="content">The image bytes.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The stored image.</returns>
    /// <exception cref="ImageException">The bytes are not an intact image.</exception>
    public async Task<StoredImage> AddAsync(Stream content, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        var temp = Path.Combine(directory.ImagesPath, "upload-" + Guid.NewGuid().ToString("N") + ".tmp");
        try
        {
            await using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true))
            {
                await content.CopyToAsync(file, cancellationToken);
            }

            return await AddAsync(temp, cancellationToken);
        }
        finally
        {
            File.Delete(temp);
        }
    }

    /// <summary>Removes an image. Its counts stay: re-adding it continues where it stopped.</summary>
    /// <param name="imageId">The image id.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <exception cref="StationException">The station holds no such image.</exception>
    /// <returns>A task that completes when the image is gone.</returns>
    public async Task RemoveAsync(string imageId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(imageId);
        bool known = await state.DeleteImageAsync(imageId, cancellationToken);
        var path = PathOf(imageId);
        if (!known && !File.Exists(path)) throw new StationException($"the station holds no image {imageId}.");
        File.Delete(path);
    }

    /// <summary>
    /// Makes <paramref name="imageId"/> job <paramref name="jobId"/>'s image on this station and
    /// removes the images of the job's earlier revisions (not one with a unit in progress: a
    /// later call removes it). Images the station never matched to a job are left alone.
    /// </summary>
    /// <returns>The ids of the images removed.</returns>
    internal async Task<IReadOnlyList<string>> ReplaceJobImageAsync(string jobId, string imageId, CancellationToken cancellationToken)
    {
        await state.MarkJobImageAsync(imageId, jobId, cancellationToken);
        var superseded = await state.ListSupersededImagesAsync(jobId, imageId, cancellationToken);
        foreach (var old in superseded)
        {
            await RemoveAsync(old, cancellationToken);
        }

        return superseded;
    }

    /// <summary>Lists the images held.</summary>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The images, oldest first.</returns>
    public async Task<IReadOnlyList<StoredImage>> ListAsync(CancellationToken cancellationToken = default)
    {
        var result = new List<StoredImage>();
        foreach (var row in await state.ListImageRowsAsync(cancellationToken))
        {
            var path = Path.Combine(directory.ImagesPath, row.FileName);
            if (!File.Exists(path)) continue;
            var header = ImageReader.ReadHeader(path);
            result.Add(new StoredImage(
                row.ImageId, row.Name.Length > 0 ? row.Name : null, header.Type, header.KeyId, header.SignerFingerprint, row.FileCrc, row.Size, row.AddedAt, path));
        }

        return result;
    }

    /// <summary>Finds a held image by id.</summary>
    /// <param name="imageId">The image id.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The image, or <see langword="null"/>.</returns>
    public async Task<StoredImage?> FindAsync(string imageId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(imageId);
        var row = (await state.ListImageRowsAsync(cancellationToken, imageId)).FirstOrDefault();
        if (row.ImageId is null) return null;
        var path = Path.Combine(directory.ImagesPath, row.FileName);
        if (!File.Exists(path)) return null;
        var header = ImageReader.ReadHeader(path);
        return new StoredImage(row.ImageId, row.Name.Length > 0 ? row.Name : null, header.Type, header.KeyId, header.SignerFingerprint, row.FileCrc, row.Size, row.AddedAt, path);
    }

    /// <summary>Finds held images whose file has the given CRC-32 (to tell whether a file is already here).</summary>
    /// <param name="crc">The file CRC-32.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The matching images.</returns>
    public async Task<IReadOnlyList<StoredImage>> FindByCrcAsync(uint crc, CancellationToken cancellationToken = default) =>
        [.. (await ListAsync(cancellationToken)).Where(i => i.FileCrc == crc)];

    /// <summary>Returns where the image with <paramref name="imageId"/> is (or would be) stored.</summary>
    /// <param name="imageId">The image id.</param>
    /// <returns>The path.</returns>
    public string PathOf(string imageId)
    {
        if (!ImageId.TryParse(imageId, out var id)) throw new StationException($"'{imageId}' is not an image id.");
        return Path.Combine(directory.ImagesPath, id + ".imp");
    }
}
