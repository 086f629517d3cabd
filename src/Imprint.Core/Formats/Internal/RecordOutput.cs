using System.Runtime.InteropServices;

namespace Imprint.Formats.Internal;

/// <summary>
/// The text writers' output buffer: records are formatted straight into a large byte array
/// and written to the stream in big blocks.
/// </summary>
internal sealed class RecordOutput(Stream stream)
{
    private const int BufferSize = 256 * 1024;

    private readonly byte[] _buffer = new byte[BufferSize];
    private int _used;

    /// <summary>Returns room for at least <paramref name="count"/> bytes; call <see cref="Advance"/> with what was written.</summary>
    public Span<byte> GetSpan(int count)
    {
        if (_used + count > _buffer.Length) Flush();
        return _buffer.AsSpan(_used);
    }

    /// <summary>Gets a reference to the free space, valid for the count asked of <see cref="GetSpan"/>.</summary>
    public ref byte GetReference(int count) => ref MemoryMarshal.GetReference(GetSpan(count));

    public void Advance(int count) => _used += count;

    public void Write(ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(GetSpan(bytes.Length));
        _used += bytes.Length;
    }

    public void Flush()
    {
        stream.Write(_buffer, 0, _used);
        _used = 0;
    }
}
