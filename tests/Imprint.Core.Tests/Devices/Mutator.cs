using System.Text;

namespace Imprint.Tests.Devices;

/// <summary>
/// Deterministic input mutations for fuzz smoke tests: byte flips, deletions, insertions of
/// characters the format gives meaning to, duplicated and swapped lines, truncation.
/// </summary>
internal sealed class Mutator(int seed)
{
    private readonly Random _random = new(seed);

    public byte[] Bytes(byte[] input, ReadOnlySpan<byte> interesting)
    {
        var data = new List<byte>(input);
        int edits = 1 + _random.Next(4);
        for (int e = 0; e < edits && data.Count > 0; e++)
        {
            int at = _random.Next(data.Count);
            switch (_random.Next(6))
            {
                case 0: data[at] ^= (byte)(1 << _random.Next(8)); break;
                case 1: data[at] = (byte)_random.Next(256); break;
                case 2: data.RemoveRange(at, Math.Min(data.Count - at, 1 + _random.Next(16))); break;
                case 3: data.Insert(at, interesting[_random.Next(interesting.Length)]); break;
                case 4: data[at] = _random.Next(2) == 0 ? (byte)0xFF : (byte)0; break;
                default: data.RemoveRange(at, data.Count - at); break;
            }
        }

        return [.. data];
    }

    public string Text(string input, string interesting)
    {
        if (_random.Next(4) == 0)
        {
            var lines = input.Split('\n').ToList();
            int a = _random.Next(lines.Count), b = _random.Next(lines.Count);
            if (_random.Next(2) == 0) lines.Insert(a, lines[b]);
            else (lines[a], lines[b]) = (lines[b], lines[a]);
            return string.Join('\n', lines);
        }

        return Encoding.UTF8.GetString(Bytes(Encoding.UTF8.GetBytes(input), Encoding.UTF8.GetBytes(interesting)));
    }
}
