using Microsoft.Win32.SafeHandles;

namespace Imprint.Images.Internal;

/// <summary>Where an image's bytes come from: a file read region by region, or a stream read whole.</summary>
internal abstract class ImageSource : IDisposable
{
    /// <summary>Reads up to <paramref name="head"/>.Length bytes from the start; returns how many there were.</summary>
    public abstract ValueTask<int> ReadHeadAsync(Memory<byte> head, CancellationToken ct);

    /// <summary>
    /// Returns the image's actual length; a stream source also loads everything (at most
    /// <paramref name="expected"/> bytes) into <see cref="Buffer"/>.
    /// </summary>
    public abstract ValueTask<long> MeasureAsync(long expected, CancellationToken ct);

    /// <summary>Gets the buffer the whole image lands in.</summary>
    public abstract byte[] Buffer { get; }

    /// <summary>Gets a value indicating whether <see cref="Buffer"/> already holds every byte.</summary>
    public abstract bool IsLoaded { get; }

    /// <summary>Reads bytes [offset, offset + count) into <see cref="Buffer"/> at the same offset.</summary>
    public abstract ValueTask FillAsync(long offset, int count, CancellationToken ct);

    public virtual void Dispose()
    {
    }

    public static ImageSource ForFile(SafeFileHandle handle, string name) => new FileSource(handle, name);

    public static ImageSource ForStream(Stream stream, string name) => new StreamSource(stream, name);

    private sealed class FileSource(SafeFileHandle handle, string name) : ImageSource
    {
        private byte[]? _buffer;

        public override byte[] Buffer => _buffer ?? throw new InvalidOperationException("Measure first.");

        public override bool IsLoaded => false;

        public override async ValueTask<int> ReadHeadAsync(Memory<byte> head, CancellationToken ct)
        {
            int total = 0;
            while (total < head.Length)
            {
                int n = await RandomAccess.ReadAsync(handle, head[total..], total, ct).ConfigureAwait(false);
                if (n == 0) break;
                total += n;
            }

            return total;
        }

        public override ValueTask<long> MeasureAsync(long expected, CancellationToken ct)
        {
            long length = RandomAccess.GetLength(handle);
            if (length == expected) _buffer = GC.AllocateUninitializedArray<byte>((int)expected);
            return ValueTask.FromResult(length);
        }

        public override async ValueTask FillAsync(long offset, int count, CancellationToken ct)
        {
            var target = Buffer.AsMemory((int)offset, count);
            while (!target.IsEmpty)
            {
                int n = await RandomAccess.ReadAsync(handle, target, offset, ct).ConfigureAwait(false);
                if (n == 0) throw new ImageException($"{name} became shorter while it was being read.");
                target = target[n..];
                offset += n;
            }
        }

        public override void Dispose() => handle.Dispose();
    }

    private sealed class StreamSource(Stream stream, string name) : ImageSource
    {
        private readonly List<byte> _head = [];
        private byte[]? _buffer;

        public override byte[] Buffer => _buffer ?? throw new InvalidOperationException("Measure first.");

        public override bool IsLoaded => true;

        public override async ValueTask<int> ReadHeadAsync(Memory<byte> head, CancellationToken ct)
        {
            int total = await ReadFullyAsync(head, ct).ConfigureAwait(false);
            _head.AddRange(head[..total].Span);
            return total;
        }

        public override async ValueTask<long> MeasureAsync(long expected, CancellationToken ct)
        {
            if (stream.CanSeek)
            {
                long length = stream.Length - stream.Position + _head.Count;
                if (length != expected) return length;
            }

            // Unless the length is known, grow as data arrives, so a header claiming 2 GiB costs
            // nothing unless the bytes exist.
            var buffer = GC.AllocateUninitializedArray<byte>((int)(stream.CanSeek ? expected : Math.Min(expected, 1 << 20)));
            _head.CopyTo(buffer);
            int filled = _head.Count;
            while (filled < expected)
            {
                if (filled == buffer.Length) Array.Resize(ref buffer, (int)Math.Min(expected, (long)buffer.Length * 2));
                int n = await ReadFullyAsync(buffer.AsMemory(filled), ct).ConfigureAwait(false);
                if (n == 0) return filled;
                filled += n;
            }

            _buffer = buffer;
            long extra = 0;
            var scratch = new byte[64 * 1024];
            for (int n; (n = await stream.ReadAsync(scratch, ct).ConfigureAwait(false)) > 0;) extra += n;
            return expected + extra;
        }

        public override ValueTask FillAsync(long offset, int count, CancellationToken ct) => ValueTask.CompletedTask;

        private async ValueTask<int> ReadFullyAsync(Memory<byte> target, CancellationToken ct)
        {
            int total = 0;
            try
            {
                while (total < target.Length)
                {
                    int n = await stream.ReadAsync(target[total..], ct).ConfigureAwait(false);
                    if (n == 0) break;
                    total += n;
                }
            }
            catch (NotSupportedException ex)
            {
                throw new ArgumentException($"The stream for {name} cannot be read.", nameof(stream), ex);
            }

            return total;
        }
    }
}
