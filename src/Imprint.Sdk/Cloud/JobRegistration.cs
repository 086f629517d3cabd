using System.Globalization;
using Imprint.Images;
using Imprint.Projects;

namespace Imprint.Sdk.Cloud;

/// <summary>Builds the cloud registration of a JOB image from the image itself (metadata only, no programming data).</summary>
public static class JobRegistration
{
    /// <summary>Returns the request that registers <paramref name="image"/> as a job.</summary>
    /// <param name="image">An opened JOB image.</param>
    /// <param name="factoryId">The factory; <see langword="null"/> takes it from the image's cloud binding.</param>
    /// <param name="allStations">Whether every station of the factory may run it.</param>
    /// <param name="stationIds">Otherwise, the stations that may.</param>
    /// <param name="burnFailedSerials">Whether failed units use up their serial numbers.</param>
    /// <returns>The registration request.</returns>
    /// <exception cref="ImprintException">The image is not a JOB image or names no factory.</exception>
    public static RegisterJobRequest FromImage(ProgrammingImage image, string? factoryId = null, bool allStations = true,
        IReadOnlyList<string>? stationIds = null, bool burnFailedSerials = false)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (image.Type != ImageType.Job)
        {
            throw new ImprintException($"{image.Name}: is a stand-alone (SAP) image; only JOB images are registered with the cloud.");
        }

        var factory = factoryId ?? image.Spec.Binding?.FactoryId
            ?? throw new ImprintException($"{image.Name}: the image names no virtual factory; pass one.");
        var r = image.Spec.Restrictions;
        return new RegisterJobRequest(
            factory,
            image.Id.ToString(),
            image.Spec.Name,
            image.Spec.Description,
            image.Spec.Device.Name,
            image.Sha256Hex,
            image.Spec.Serials,
            new JobRestrictions(r.MaxCount, r.ValidFrom, r.ValidUntil),
            new Dictionary<string, string>
            {
                ["builtAt"] = image.Build.BuiltAt.ToString("O", CultureInfo.InvariantCulture),
                ["tool"] = image.Build.ToolVersion,
                ["builder"] = image.Build.Builder,
                ["signer"] = image.Header.SignerFingerprint,
                ["crc32"] = image.Crc32.ToString("X8", CultureInfo.InvariantCulture),
            },
            image.Header.IsEncrypted,
            burnFailedSerials,
            allStations,
            stationIds);
    }
}
