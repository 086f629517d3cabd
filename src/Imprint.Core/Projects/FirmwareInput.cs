using Imprint.Formats;

namespace Imprint.Projects;

/// <summary>One firmware file a project programs.</summary>
/// <param name="Path">The file's path as the project file writes it, relative to the project file's folder (or absolute).</param>
/// <param name="Format">The format, or <see langword="null"/> to detect it from the file's content (and then its extension).</param>
/// <param name="Base">The address of a raw binary's first byte; only for binary inputs.</param>
public sealed record FirmwareInput(string Path, FirmwareFormat? Format = null, ulong? Base = null);
