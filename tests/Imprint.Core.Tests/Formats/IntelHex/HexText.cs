using System.Text;

namespace Imprint.Tests.Formats.IntelHex;

/// <summary>Builds Intel HEX record lines independently of the writer under test.</summary>
internal static class HexText
{
    public static string Record(byte type, ushort offset, params byte[] data)
    {
        var body = new List<byte> { (byte)data.Length, (byte)(offset >> 8), (byte)offset, type };
        body.AddRange(data);
        int sum = body.Sum(b => b);
        body.Add((byte)-sum);
        return ":" + Convert.ToHexString(body.ToArray());
    }

    public static string Data(ushort offset, params byte[] data) => Record(0, offset, data);

    public static string Linear(ushort upper) => Record(4, 0, (byte)(upper >> 8), (byte)upper);

    public static string Segment(ushort segment) => Record(2, 0, (byte)(segment >> 8), (byte)segment);

    public const string EndOfFile = ":00000001FF";

    public static byte[] File(params string[] lines) => Encoding.ASCII.GetBytes(string.Concat(lines.Select(l => l + "\n")));
}
