using Imprint.Images;
using Imprint.Memory;

namespace Imprint.Projects;

/// <summary>
/// A checked project turned into image content: the programming spec and the sections (one
/// per firmware segment, then test code, then the flash algorithm). Deconstructs into
/// <c>(spec, sections)</c>.
/// </summary>
/// <param name="Spec">How to program the part.</param>
/// <param name="Sections">The bulk data the spec refers to.</param>
public sealed record ResolvedProject(ProgrammingSpec Spec, IReadOnlyList<ImageSection> Sections)
{
    /// <summary>Gets the merged firmware the firmware sections were cut from.</summary>
    public required MemoryImage Firmware { get; init; }
}
