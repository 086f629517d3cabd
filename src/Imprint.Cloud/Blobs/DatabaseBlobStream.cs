using Imprint.Cloud.Storage;

namespace Imprint.Cloud.Blobs;

/// <summary>
/// A read-only, seekable view of a database blob that loads one chunk at a time, each with its
/// own short read (no connection is held between reads of a slow client).
/// </summary>
internal sealed class DatabaseBlobStream(CloudDatabase database, string id, long length, int chunkSize) : Stream
{
    private byte[] _chunk = [];
    private long _chunkIndex = -1;
    private long _position;

    public override bool CanRead => true;

    public override bool CanSeek => true;

    public override bool CanWrite => false;

    public override long Length => length;

    public override long Position
    {
        get => _position;
        set => _position = value >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "A stream position cannot be negative.");
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_position >= length || buffer.Length == 0)
        {
            return 0;
        }

        var index = _position / chunkSize;
        if (index != _chunkIndex)
        {
            _chunk = await LoadAsync(index, cancellationToken).ConfigureAwait(false);
            _chunkIndex = index;
        }

        var offset = (int)(_position - (index * chunkSize));
        var count = Math.Min(buffer.Length, _chunk.Length - offset);
        _chunk.AsMemory(offset, count).CopyTo(buffer);
        _position += count;
        return count;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    // The blob lives in the database: reading it is I/O, and the cloud does I/O asynchronously only.
    public override int Read(byte[] buffer, int offset, int count) =>
        throw new NotSupportedException("A database blob is read asynchronously (ReadAsync).");

    public override long Seek(long offset, SeekOrigin origin) => Position = origin switch
    {
        SeekOrigin.Begin => offset,
        SeekOrigin.Current => _position + offset,
        SeekOrigin.End => length + offset,
        _ => throw new ArgumentOutOfRangeException(nameof(origin), origin, null),
    };

    public override void Flush()
    {
    }

    public override void SetLength(long value) => throw new NotSupportedException("A database blob is read-only.");

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException("A database blob is read-only.");

    private async Task<byte[]> LoadAsync(long index, CancellationToken ct)
    {
        var data = await database.ReadAsync(s => s.QuerySingleOrDefaultAsync<byte[]>(
            "SELECT data FROM blob_chunks WHERE blob_id = @id AND idx = @index", new { id, index }, ct), ct).ConfigureAwait(false);
        var expected = Math.Min(chunkSize, length - (index * chunkSize));
        if (data is null || data.Length != expected)
        {
            throw new IOException($"Blob '{id}' changed while it was read: chunk {index} is {(data is null ? "missing" : $"{data.Length} bytes, not {expected}")}.");
        }

        return data;
    }
}
