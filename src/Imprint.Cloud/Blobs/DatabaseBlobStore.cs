using System.Security.Cryptography;
using Imprint.Cloud.Internal;
using Imprint.Cloud.Storage;

namespace Imprint.Cloud.Blobs;

/// <summary>
/// Blobs as rows in the cloud's database (<c>--blobs db</c>): a <c>blobs</c> row per blob and its
/// content in <see cref="ChunkSize"/> pieces in <c>blob_chunks</c>, so every instance on the same
/// database serves every upload without a shared folder. A blob is written in one transaction
/// (a cut write leaves no row) and read one chunk at a time (never the whole blob in memory).
/// </summary>
public sealed class DatabaseBlobStore(CloudDatabase database, TimeProvider time, string stagingDirectory) : IBlobStore
{
    /// <summary>The size of every chunk but the last.</summary>
    public const int ChunkSize = 1 << 20;

    public string Description => "the database (" + database.Description + ")";

    public Task<StagedBlob> ReceiveAsync(Stream body, long maxBytes, CancellationToken ct) =>
        StagedBlob.ReceiveAsync(body, stagingDirectory, maxBytes, ct);

    public Task StoreAsync(string id, StagedBlob blob, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(blob);
        return WriteAsync(id, blob.OpenRead, ct);
    }

    public async Task<Stream?> OpenAsync(string id, CancellationToken ct)
    {
        var head = await database.ReadAsync(s => s.QuerySingleOrDefaultAsync<BlobRow>(
            "SELECT length, chunk_size FROM blobs WHERE id = @id", new { id }, ct), ct).ConfigureAwait(false);
        return head is null ? null : new DatabaseBlobStream(database, id, head.Length, checked((int)head.ChunkSize));
    }

    /// <summary>Writes a blob from a stream <paramref name="open"/> opens (again on a retried transaction); returns its length.</summary>
    internal Task<long> WriteAsync(string id, Func<Stream> open, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        ArgumentNullException.ThrowIfNull(open);
        return database.WriteAsync(async s =>
        {
            // The blob's row first: its lock queues a concurrent writer of the same id behind this one
            // (which then replaces these chunks) instead of both colliding on the chunk keys.
            await s.ExecuteAsync(
                """
                INSERT INTO blobs (id, length, chunk_size, sha256, created_at) VALUES (@id, 0, @ChunkSize, '', @now)
                ON CONFLICT (id) DO UPDATE SET length = 0, chunk_size = @ChunkSize, sha256 = '', created_at = @now
                """, new { id, ChunkSize, now = time.Now() }, ct).ConfigureAwait(false);
            await s.ExecuteAsync("DELETE FROM blob_chunks WHERE blob_id = @id", new { id }, ct).ConfigureAwait(false);

            await using var content = open();
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            var buffer = new byte[ChunkSize];
            long length = 0;
            for (var idx = 0L; ; idx++)
            {
                var read = await content.ReadAtLeastAsync(buffer, ChunkSize, throwOnEndOfStream: false, ct).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }

                hash.AppendData(buffer, 0, read);
                var data = read == ChunkSize ? buffer : buffer[..read];
                await s.ExecuteAsync("INSERT INTO blob_chunks (blob_id, idx, data) VALUES (@id, @idx, @data)", new { id, idx, data }, ct).ConfigureAwait(false);
                length += read;
                if (read < ChunkSize)
                {
                    break;
                }
            }

            await s.ExecuteAsync("UPDATE blobs SET length = @length, sha256 = @sha WHERE id = @id",
                new { length, sha = Convert.ToHexStringLower(hash.GetHashAndReset()), id }, ct).ConfigureAwait(false);
            return length;
        }, ct);
    }

    private sealed class BlobRow
    {
        public long Length { get; set; }

        public long ChunkSize { get; set; }
    }
}
