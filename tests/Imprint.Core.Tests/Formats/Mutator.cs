using System.Buffers.Binary;

namespace Imprint.Tests.Formats;

/// <summary>
/// A small seeded mutation fuzzer: bit flips, interesting bytes and integers, inserts,
/// deletes, duplicated ranges, splices from other inputs and truncation, one to four per case.
/// </summary>
internal sealed class Mutator(int seed, IReadOnlyList<byte[]> corpus)
{
    private static readonly byte[] InterestingBytes = [0x00, 0xFF, 0x7F, 0x80, (byte)'\n', (byte)'\r', (byte)':', (byte)'S', (byte)'0', (byte)'9', (byte)'F', (byte)'f', (byte)'G', (byte)' '];
    private static readonly uint[] InterestingInts = [0, 1, 0x7F, 0xFF, 0xFFFF, 0x10000, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFE, 0xFFFFFFFF];

    private readonly Random _random = new(seed);

    public byte[] Next(out string description)
    {
        var input = new List<byte>(corpus[_random.Next(corpus.Count)]);
        var steps = new List<string>();
        int count = _random.Next(1, 5);
        for (int i = 0; i < count; i++) steps.Add(MutateOnce(input));
        description = string.Join(", ", steps);
        return input.ToArray();
    }

    private string MutateOnce(List<byte> data)
    {
        int at = data.Count == 0 ? 0 : _random.Next(data.Count);
        switch (_random.Next(8))
        {
            case 0 when data.Count > 0:
                data[at] ^= (byte)(1 << _random.Next(8));
                return $"flip@{at}";
            case 1 when data.Count > 0:
                data[at] = InterestingBytes[_random.Next(InterestingBytes.Length)];
                return $"byte@{at}";
            case 2 when data.Count >= 4:
                // Integers land on header fields of the binary formats (offsets, sizes, counts).
                at = Math.Min(at & ~3, data.Count - 4);
                var word = new byte[4];
                uint value = _random.Next(3) == 0 ? (uint)_random.Next(data.Count + 64) : InterestingInts[_random.Next(InterestingInts.Length)];
                if (_random.Next(2) == 0) BinaryPrimitives.WriteUInt32LittleEndian(word, value);
                else BinaryPrimitives.WriteUInt32BigEndian(word, value);
                for (int i = 0; i < 4; i++) data[at + i] = word[i];
                return $"int@{at}";
            case 3:
                var inserted = new byte[_random.Next(1, 9)];
                _random.NextBytes(inserted);
                data.InsertRange(at, inserted);
                return $"insert@{at}";
            case 4 when data.Count > 0:
                int deleted = Math.Min(_random.Next(1, 33), data.Count - at);
                data.RemoveRange(at, deleted);
                return $"delete@{at}";
            case 5 when data.Count > 0:
                int length = Math.Min(_random.Next(1, 80), data.Count - at);
                data.InsertRange(_random.Next(data.Count), data.GetRange(at, length));
                return $"duplicate@{at}";
            case 6:
                var other = corpus[_random.Next(corpus.Count)];
                if (other.Length == 0) return "splice-nothing";
                int from = _random.Next(other.Length);
                int take = Math.Min(_random.Next(1, 128), other.Length - from);
                data.InsertRange(at, other.AsSpan(from, take).ToArray());
                return $"splice@{at}";
            default:
                int keep = data.Count == 0 ? 0 : _random.Next(data.Count);
                data.RemoveRange(keep, data.Count - keep);
                return $"truncate@{keep}";
        }
    }
}
