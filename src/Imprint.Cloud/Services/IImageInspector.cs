using Imprint.Images;
using Imprint.Projects;

namespace Imprint.Cloud.Services;

/// <summary>Decides whether an uploaded image blob may be stored for delivery.</summary>
public interface IImageInspector
{
    /// <summary>Returns <see langword="null"/> when the blob is acceptable, else one sentence saying why not.</summary>
    /// <param name="path">The received blob.</param>
    /// <param name="expectedImageId">The job's current image id.</param>
    /// <param name="ct">Cancels the check.</param>
    Task<string?> RefuseAsync(string path, string expectedImageId, CancellationToken ct);
}

/// <summary>
/// Reads the image's public header (never decrypting anything): it must be a well-formed JOB
/// image, encrypted with a customer key, whose id is the job's current image id.
/// </summary>
public sealed class ImageHeaderInspector : IImageInspector
{
    public Task<string?> RefuseAsync(string path, string expectedImageId, CancellationToken ct)
    {
        ImageHeader header;
        try
        {
            header = ImageReader.ReadHeader(path);
        }
        catch (ImageException ex)
        {
            return Task.FromResult<string?>("The upload is not an Imprint image: " + ex.Message.Replace(path, "the upload", StringComparison.Ordinal));
        }

        if (!header.IsEncrypted)
        {
            return Task.FromResult<string?>($"Image {header.Id} is not encrypted; only images encrypted with a customer key are delivered through the cloud.");
        }

        if (header.Type != ImageType.Job)
        {
            return Task.FromResult<string?>($"Image {header.Id} is a stand-alone (SAP) image; only cloud-connected (JOB) images are delivered through the cloud.");
        }

        var id = header.Id.ToString();
        return Task.FromResult<string?>(string.Equals(id, expectedImageId, StringComparison.OrdinalIgnoreCase)
            ? null
            : $"The image's id is {id}, but the job's current image id is {expectedImageId}.");
    }
}
