using Imprint.Images.Internal;
using Imprint.Keys;

namespace Imprint.Images;

/// <summary>
/// Reads images. <see cref="OpenAsync(string, IKeyProvider, CancellationToken)"/> verifies the
/// signature and every section hash (decrypting first when the image is encrypted) before it
/// returns anything; <see cref="ReadHeader(string)"/> reads only the public header, which needs
/// no key.
/// </summary>
/// <remarks>
/// Every problem with the file or the keys is an <see cref="ImageException"/> whose message
/// names the image and says what is wrong.
/// </remarks>
public static class ImageReader
{
    /// <summary>Reads and checks the public header of an image file (also checks the file's length).</summary>
    /// <param name="path">The image file.</param>
    /// <returns>The header.</returns>
    /// <exception cref="ImageException">The file is not an image, its header is damaged, or its length is wrong.</exception>
    public static ImageHeader ReadHeader(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var handle = OpenFile(path);
        var head = new byte[HeaderFormat.Length];
        int n = RandomAccess.Read(handle, head, 0);
        long length = RandomAccess.GetLength(handle);
        var header = HeaderFormat.Decode(head.AsSpan(0, n), path, length);
        HeaderFormat.CheckLength(header, length, path);
        return header;
    }

    /// <summary>Reads and checks the public header from the first bytes of an image (at least 192).</summary>
    /// <param name="bytes">The start of the image; the rest of the file is not checked.</param>
    /// <param name="name">The name used in error messages.</param>
    /// <returns>The header.</returns>
    /// <exception cref="ImageException">The bytes are not an image header or it is damaged.</exception>
    public static ImageHeader ReadHeader(ReadOnlySpan<byte> bytes, string name = "image")
    {
        ArgumentNullException.ThrowIfNull(name);
        return HeaderFormat.Decode(bytes[..Math.Min(bytes.Length, HeaderFormat.Length)], name, bytes.Length);
    }

    /// <summary>Reads and checks the public header from the start of a stream.</summary>
    /// <param name="stream">The stream, positioned at the start of the image.</param>
    /// <param name="name">The name used in error messages.</param>
    /// <param name="ct">Cancels the read.</param>
    /// <returns>The header.</returns>
    /// <exception cref="ImageException">The stream does not start with an image header or it is damaged.</exception>
    public static async Task<ImageHeader> ReadHeaderAsync(Stream stream, string name, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(name);
        using var source = ImageSource.ForStream(stream, name);
        var head = new byte[HeaderFormat.Length];
        int n = await source.ReadHeadAsync(head, ct).ConfigureAwait(false);
        return HeaderFormat.Decode(head.AsSpan(0, n), name, n);
    }

    /// <summary>Opens, verifies and (when encrypted) decrypts an image file; any signer is accepted.</summary>
    /// <param name="path">The image file.</param>
    /// <param name="keys">The encryption keys this machine holds.</param>
    /// <param name="ct">Cancels the read.</param>
    /// <returns>The verified image.</returns>
    /// <exception cref="ImageException">The image is malformed, damaged, modified, or encrypted with a key not held.</exception>
    public static Task<ProgrammingImage> OpenAsync(string path, IKeyProvider keys, CancellationToken ct = default) =>
        OpenAsync(path, keys, null, ct);

    /// <summary>Opens, verifies and (when encrypted) decrypts an image file signed by one of <paramref name="trustedSigners"/>.</summary>
    /// <param name="path">The image file.</param>
    /// <param name="keys">The encryption keys this machine holds.</param>
    /// <param name="trustedSigners">
    /// The keys whose signatures are accepted; <see langword="null"/> accepts any signer (the image
    /// is then only known to be intact), an empty collection accepts none.
    /// </param>
    /// <param name="ct">Cancels the read.</param>
    /// <returns>The verified image.</returns>
    /// <exception cref="ImageException">The image is malformed, damaged, modified, signed by an untrusted key, or encrypted with a key not held.</exception>
    public static async Task<ProgrammingImage> OpenAsync(string path, IKeyProvider keys, IReadOnlyCollection<SigningPublicKey>? trustedSigners, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(keys);
        using var source = ImageSource.ForFile(OpenFile(path), path);
        return await new ImageOpener(path, keys, trustedSigners).OpenAsync(source, ct).ConfigureAwait(false);
    }

    /// <summary>Opens, verifies and (when encrypted) decrypts an image read from a stream; any signer is accepted.</summary>
    /// <param name="stream">The stream, positioned at the start of the image; read to its end.</param>
    /// <param name="name">The name used in error messages.</param>
    /// <param name="keys">The encryption keys this machine holds.</param>
    /// <param name="ct">Cancels the read.</param>
    /// <returns>The verified image.</returns>
    /// <exception cref="ImageException">The image is malformed, damaged, modified, or encrypted with a key not held.</exception>
    public static Task<ProgrammingImage> OpenAsync(Stream stream, string name, IKeyProvider keys, CancellationToken ct = default) =>
        OpenAsync(stream, name, keys, null, ct);

    /// <summary>Opens, verifies and (when encrypted) decrypts an image read from a stream, signed by one of <paramref name="trustedSigners"/>.</summary>
    /// <param name="stream">The stream, positioned at the start of the image; read to its end.</param>
    /// <param name="name">The name used in error messages.</param>
    /// <param name="keys">The encryption keys this machine holds.</param>
    /// <param name="trustedSigners">The keys whose signatures are accepted; <see langword="null"/> accepts any signer, an empty collection none.</param>
    /// <param name="ct">Cancels the read.</param>
    /// <returns>The verified image.</returns>
    /// <exception cref="ImageException">The image is malformed, damaged, modified, signed by an untrusted key, or encrypted with a key not held.</exception>
    public static async Task<ProgrammingImage> OpenAsync(Stream stream, string name, IKeyProvider keys, IReadOnlyCollection<SigningPublicKey>? trustedSigners, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(keys);
        using var source = ImageSource.ForStream(stream, name);
        return await new ImageOpener(name, keys, trustedSigners).OpenAsync(source, ct).ConfigureAwait(false);
    }

    private static Microsoft.Win32.SafeHandles.SafeFileHandle OpenFile(string path)
    {
        try
        {
            return File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.Asynchronous);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new ImageException($"{path}: the image file does not exist.", ex);
        }
        catch (UnauthorizedAccessException ex) when (Directory.Exists(path))
        {
            throw new ImageException($"{path} is a folder, not an image file.", ex);
        }
    }
}
