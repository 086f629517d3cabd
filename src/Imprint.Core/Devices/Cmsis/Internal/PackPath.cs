namespace Imprint.Devices.Cmsis.Internal;

/// <summary>Paths inside a pack, as a pdsc writes them (either slash, relative to the pdsc).</summary>
internal static class PackPath
{
    /// <summary>Returns the path with forward slashes and no <c>.</c> or <c>..</c> parts, or <see langword="null"/> when it leaves the pack.</summary>
    public static string? Normalize(string path)
    {
        var parts = new List<string>();
        foreach (var part in path.Replace('\\', '/').Split('/'))
        {
            if (part is "" or ".") continue;
            if (part == "..")
            {
                if (parts.Count == 0) return null;
                parts.RemoveAt(parts.Count - 1);
                continue;
            }

            if (part.Contains(':', StringComparison.Ordinal)) return null; // drive letters, URLs
            parts.Add(part);
        }

        return parts.Count == 0 ? null : string.Join('/', parts);
    }

    public static string FileName(string normalized) => normalized[(normalized.LastIndexOf('/') + 1)..];
}
