using Imprint.Projects;

namespace Imprint.Images;

/// <summary>Everything an image holds, before it is signed (and possibly encrypted) into a file.</summary>
/// <param name="Spec">How to program the part; the image type is <see cref="ProgrammingSpec.Type"/>.</param>
/// <param name="Sections">The bulk data, in the order it is stored.</param>
/// <param name="Build">Build information recorded in the manifest.</param>
public sealed record ImageContent(ProgrammingSpec Spec, IReadOnlyList<ImageSection> Sections, BuildInfo Build);
