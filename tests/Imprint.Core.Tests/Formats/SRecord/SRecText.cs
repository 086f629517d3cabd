using System.Text;

namespace Imprint.Tests.Formats.SRecord;

/// <summary>Builds S-record lines independently of the writer under test.</summary>
internal static class SRecText
{
    public static string Record(int type, uint address, params byte[] data)
    {
        int addressLength = type switch { 0 or 1 or 5 or 9 => 2, 2 or 6 or 8 => 3, _ => 4 };
        var body = new List<byte> { (byte)(addressLength + data.Length + 1) };
        for (int shift = 8 * (addressLength - 1); shift >= 0; shift -= 8) body.Add((byte)(address >> shift));
        body.AddRange(data);
        body.Add((byte)~body.Sum(b => b));
        return $"S{type}" + Convert.ToHexString(body.ToArray());
    }

    public static byte[] File(params string[] lines) => Encoding.ASCII.GetBytes(string.Concat(lines.Select(l => l + "\n")));
}
