using Imprint.Projects;

namespace Imprint.Station.Images;

/// <summary>An image held in a station's store, as delivered (encrypted images stay encrypted).</summary>
/// <param name="ImageId">The image's unique id.</param>
/// <param name="Name">The image's name, or <see langword="null"/> when it is encrypted with a key the station does not hold.</param>
/// <param name="Type">SAP or JOB.</param>
/// <param name="KeyId">The encryption key id, or <see langword="null"/> when the image is not encrypted.</param>
/// <param name="Signer">The signer's fingerprint, from the header.</param>
/// <param name="FileCrc">The CRC-32 of the file.</param>
/// <param name="Size">The file size in bytes.</param>
/// <param name="AddedAt">When the station received it.</param>
/// <param name="File">Where it is stored.</param>
public sealed record StoredImage(
    string ImageId,
    string? Name,
    ImageType Type,
    string? KeyId,
    string Signer,
    uint FileCrc,
    long Size,
    DateTimeOffset AddedAt,
    string File);
