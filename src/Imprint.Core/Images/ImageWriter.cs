using Imprint.Images.Internal;
using Imprint.Keys;
using Imprint.IO;

namespace Imprint.Images;

/// <summary>
/// Writes images: the content is signed with the builder's key and, when a customer key is
/// given, everything after the header is encrypted with AES-256-GCM. Every call produces a new
/// <see cref="ImageId"/>. See docs/image-format.md for the byte layout.
/// </summary>
public static class ImageWriter
{
    /// <summary>Writes an image file atomically (a temporary file renamed over <paramref name="path"/>).</summary>
    /// <param name="content">What the image holds.</param>
    /// <param name="path">The file to write; replaced if it exists, untouched on failure.</param>
    /// <param name="signingKey">The builder's signing key.</param>
    /// <param name="encryptionKey">The customer key to encrypt with, or <see langword="null"/> for a plain image.</param>
    /// <param name="ct">Cancels the write.</param>
    /// <returns>The new image's id.</returns>
    /// <exception cref="ImageException">The content breaks a rule of the format (names the section or field).</exception>
    public static async Task<ImageId> WriteAsync(ImageContent content, string path, SigningKey signingKey, EncryptionKey? encryptionKey = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(path);
        var plan = ImagePlan.Create(content, signingKey, encryptionKey, path);
        await AtomicFile.WriteAsync(path, null, stream => plan.WriteAsync(stream, ct)).ConfigureAwait(false);
        return plan.Id;
    }

    /// <summary>Writes an image to a stream.</summary>
    /// <param name="content">What the image holds.</param>
    /// <param name="destination">The stream to write to; it is flushed, not closed.</param>
    /// <param name="signingKey">The builder's signing key.</param>
    /// <param name="encryptionKey">The customer key to encrypt with, or <see langword="null"/> for a plain image.</param>
    /// <param name="ct">Cancels the write.</param>
    /// <returns>The new image's id.</returns>
    /// <exception cref="ImageException">The content breaks a rule of the format (names the section or field).</exception>
    public static async Task<ImageId> WriteAsync(ImageContent content, Stream destination, SigningKey signingKey, EncryptionKey? encryptionKey = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(destination);
        var plan = ImagePlan.Create(content, signingKey, encryptionKey, "image");
        await plan.WriteAsync(destination, ct).ConfigureAwait(false);
        return plan.Id;
    }
}
