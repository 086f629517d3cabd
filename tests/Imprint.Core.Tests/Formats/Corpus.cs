using System.Text;

namespace Imprint.Tests.Formats;

/// <summary>The committed sample files under Formats/Data (valid and malformed), copied next to the tests.</summary>
internal static class Corpus
{
    public static string PathOf(string relative) => Path.Combine(AppContext.BaseDirectory, "Formats", "Data", relative);

    public static byte[] Bytes(string relative) => File.ReadAllBytes(PathOf(relative));

    public static byte[] Ascii(string text) => Encoding.ASCII.GetBytes(text);

    /// <summary>Text with every line feed turned into CR LF.</summary>
    public static byte[] WithCrLf(byte[] content) => Encoding.ASCII.GetBytes(Encoding.ASCII.GetString(content).Replace("\n", "\r\n", StringComparison.Ordinal));
}
