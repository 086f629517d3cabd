using Imprint.Projects;

namespace Imprint.Images.Internal;

/// <summary>The signed manifest of an image, as JSON (docs/image-format.md, "Manifest").</summary>
internal sealed record Manifest(int Format, string ImageId, ProgrammingSpec Spec, BuildInfo Build, IReadOnlyList<ManifestSection> Sections);

/// <summary>One section as the manifest lists it; sections are stored in this order.</summary>
internal sealed record ManifestSection(string Name, SectionKind Kind, ulong? Address, long Length, string Sha256);
