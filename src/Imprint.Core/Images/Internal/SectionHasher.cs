using System.Security.Cryptography;

namespace Imprint.Images.Internal;

/// <summary>Computes each section's SHA-256 from the body bytes fed to it in order.</summary>
internal sealed class SectionHasher : IDisposable
{
    private readonly IReadOnlyList<ManifestSection> _sections;
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private int _index = -1;
    private long _remaining;

    public SectionHasher(IReadOnlyList<ManifestSection> sections)
    {
        _sections = sections;
        Hashes = new byte[sections.Count][];
        Next();
    }

    public byte[][] Hashes { get; }

    public void Append(ReadOnlySpan<byte> data)
    {
        while (!data.IsEmpty)
        {
            if (_index >= _sections.Count) throw new InvalidOperationException("More bytes than the sections hold.");
            int take = (int)Math.Min(_remaining, data.Length);
            _hash.AppendData(data[..take]);
            data = data[take..];
            _remaining -= take;
            if (_remaining == 0)
            {
                Hashes[_index] = _hash.GetHashAndReset();
                Next();
            }
        }
    }

    public void Dispose() => _hash.Dispose();

    // Moves to the next non-empty section; empty ones get the hash of no bytes.
    private void Next()
    {
        for (_index++; _index < _sections.Count && _sections[_index].Length == 0; _index++)
        {
            Hashes[_index] = SHA256.HashData(ReadOnlySpan<byte>.Empty);
        }

        if (_index < _sections.Count) _remaining = _sections[_index].Length;
    }
}
