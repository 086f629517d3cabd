using System.Text;
using Imprint.Images.Internal;
using Imprint.IO;

namespace Imprint.Keys.Internal;

/// <summary>Reads and writes the small text files keys live in.</summary>
internal static class KeyFile
{
    // Far above any real key file; keeps a mistaken path (an image, a log) from being slurped.
    private const int MaxLength = 64 * 1024;

    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private const UnixFileMode Public = OwnerOnly | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    public static string ReadText(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists)
            {
                throw new KeyException(Directory.Exists(path)
                    ? $"{path} is a folder, not a key file."
                    : $"{path}: the key file does not exist.");
            }

            if (info.Length > MaxLength)
            {
                throw new KeyException($"{path} is {info.Length} bytes, too large to be a key file.");
            }

            var bytes = File.ReadAllBytes(path);
            try
            {
                return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes);
            }
            catch (DecoderFallbackException ex)
            {
                throw new KeyException($"{path} is not a key file: it is not UTF-8 text.", ex);
            }
        }
        catch (UnauthorizedAccessException ex)
        {
            throw new KeyException($"{path}: permission denied reading the key file.", ex);
        }
    }

    /// <summary>Writes a secret key file readable by its owner only, atomically.</summary>
    public static void WriteSecret(string path, string text) => Write(path, text, OwnerOnly);

    /// <summary>Writes a public key file, atomically.</summary>
    public static void WritePublic(string path, string text) => Write(path, text, Public);

    private static void Write(string path, string text, UnixFileMode mode)
    {
        ArgumentNullException.ThrowIfNull(path);
        var bytes = Encoding.UTF8.GetBytes(text);
        AtomicFile.Write(path, mode, stream => stream.Write(bytes));
    }
}
