using System.Security.Cryptography;

namespace Imprint.Cloud.Blobs;

/// <summary>A received upload in a local staging file, with its SHA-256 and length. Disposing deletes the file if it is still there.</summary>
public sealed class StagedBlob : IDisposable
{
    private const int BufferSize = 81920;

    private StagedBlob(string path, string sha256, long length)
    {
        Path = path;
        Sha256 = sha256;
        Length = length;
    }

    /// <summary>Gets the staging file.</summary>
    public string Path { get; }

    /// <summary>Gets the SHA-256 of the content, lower-case hex.</summary>
    public string Sha256 { get; }

    /// <summary>Gets the length in bytes.</summary>
    public long Length { get; }

    /// <summary>Copies a stream into a new file in <paramref name="folder"/> while hashing it.</summary>
    public static async Task<StagedBlob> ReceiveAsync(Stream body, string folder, long maxBytes, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(body);
        Directory.CreateDirectory(folder);
        var path = System.IO.Path.Combine(folder, Guid.NewGuid().ToString("N") + ".part");
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        long length = 0;
        try
        {
            await using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, BufferSize, useAsync: true);
            var buffer = new byte[BufferSize];
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
            File.Delete(path);
            throw;
        }

        return new StagedBlob(path, Convert.ToHexStringLower(hash.GetHashAndReset()), length);
    }

    /// <summary>Opens the staging file for reading.</summary>
    public Stream OpenRead() => new FileStream(Path, FileMode.Open, FileAccess.Read, FileShare.Read, BufferSize, useAsync: true);

    /// <inheritdoc/>
    public void Dispose() => File.Delete(Path);
}
