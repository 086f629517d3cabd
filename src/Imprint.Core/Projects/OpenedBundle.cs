using Imprint.Devices;

namespace Imprint.Projects;

/// <summary>
/// An object bundle read into memory: its project, whose inputs are served from the bundle
/// rather than the disk, and the device description it was made with.
/// </summary>
/// <param name="Project">The project; change deployment settings with a <see langword="with"/> expression, then resolve it with <see cref="Device"/>.</param>
/// <param name="Device">The device description recorded in the bundle, so a later catalog change cannot change the image.</param>
/// <param name="Manifest">What the bundle holds.</param>
public sealed record OpenedBundle(Project Project, Device Device, BundleManifest Manifest)
{
    /// <summary>Checks the project and turns it into image content, with the bundled device.</summary>
    /// <param name="ct">Cancels the work.</param>
    /// <returns>The spec and sections.</returns>
    /// <exception cref="ProjectException">A rule is broken (for example after changing the image type without a binding).</exception>
    public Task<ResolvedProject> ResolveAsync(CancellationToken ct = default) => Project.ResolveAsync(Device, ct);
}
