using System.Security.Cryptography;

namespace Imprint.Cloud.Services;

/// <summary>
/// Encrypted image blobs on the file system, one file per job and image hash. Writes are atomic
/// (temp file, then rename); the cloud never decrypts them.
/// </summary>
public sealed class BlobStore(string root)
{
    public string Root { get; } = Path.GetFullPath(root);

    /// <summary>Copies a stream to a temp file under the store while hashing it; the caller commits or deletes it.</summary>
    public async Task<(string TempPath, string Sha256, long Length)> ReceiveAsync(Stream body, long maxBytes, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(body);
        var tempDir = Path.Combine(Root, "tmp");
        Directory.CreateDirectory(tempDir);
        var temp = Path.Combine(tempDir, Guid.NewGuid().ToString("N") + ".part");
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        long length = 0;
        try
        {
            await using var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, useAsync: true);
            var buffer = new byte[81920];
            int read;
            while ((read = await body.ReadAsync(buffer, ct).ConfigureAwait(false)) > 0)
            {
                length += read;
                if (length > maxBytes)
                {
                    throw new CloudException(CloudErrorKind.TooLarge, "Image too large", $"The image is larger than the limit of {maxBytes} bytes.");
                }

                hash.AppendData(buffer, 0, read);
                await file.WriteAsync(buffer.AsMemory(0, read), ct).ConfigureAwait(false);
            }

            await file.FlushAsync(ct).ConfigureAwait(false);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }

        return (temp, Convert.ToHexStringLower(hash.GetHashAndReset()), length);
    }

    /// <summary>Moves a received temp file to its final, relative path and returns that path.</summary>
    public string Commit(string tempPath, string accountId, string jobId, string sha256)
    {
        var relative = Path.Combine(accountId, jobId, sha256 + ".imp");
        var full = Path.Combine(Root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.Move(tempPath, full, overwrite: true);
        return relative;
    }

    public Stream Open(string relativePath) =>
        new FileStream(Path.Combine(Root, relativePath), FileMode.Open, FileAccess.Read, FileShare.Read, 81920, useAsync: true);
}
