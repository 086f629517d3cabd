namespace Imprint.Images;

/// <summary>Who built an image, when, and with which tool.</summary>
/// <param name="BuiltAt">When the image was built (from the caller's clock).</param>
/// <param name="ToolVersion">The building tool and version, for example <c>imprint 0.1.0</c>.</param>
/// <param name="Builder">Who or what built it (user, host or CI job).</param>
public sealed record BuildInfo(DateTimeOffset BuiltAt, string ToolVersion, string Builder);
