namespace Imprint.Cloud.Services;

/// <summary>Decides whether an uploaded image blob may be stored for delivery (it must be encrypted).</summary>
public interface IImageInspector
{
    /// <summary>Returns <see langword="null"/> when the blob is acceptable, else one sentence saying why not.</summary>
    /// <param name="path">The received blob.</param>
    /// <param name="declaredEncrypted">What the job's metadata says.</param>
    /// <param name="ct">Cancels the check.</param>
    Task<string?> RefuseAsync(string path, bool declaredEncrypted, CancellationToken ct);
}

/// <summary>
/// Until the image container is merged, the check rests on the job's declared
/// <c>encrypted</c> flag (plus the SHA-256 match the job service always checks). Replace it with
/// a header check (<c>ImageReader.ReadHeader</c>) once the image branch lands.
/// </summary>
public sealed class DeclaredEncryptionInspector : IImageInspector
{
    public Task<string?> RefuseAsync(string path, bool declaredEncrypted, CancellationToken ct) =>
        Task.FromResult(declaredEncrypted ? null : "The job's image is not encrypted; only encrypted images are delivered through the cloud.");
}
