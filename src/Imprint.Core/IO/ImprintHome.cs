namespace Imprint.IO;

/// <summary>
/// The user's Imprint folder, where every component keeps its defaults (imported devices, the
/// default signing key, the station folder, cloud credentials and data): <c>$IMPRINT_HOME</c>
/// when set, otherwise <c>~/.local/share/imprint</c>.
/// </summary>
public static class ImprintHome
{
    /// <summary>The environment variable that moves the folder.</summary>
    public const string Variable = "IMPRINT_HOME";

    /// <summary>Gets the folder (it may not exist yet).</summary>
    public static string Directory =>
        Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } home
            ? home
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "share", "imprint");

    /// <summary>Returns a path inside the folder.</summary>
    /// <param name="parts">The path below the folder.</param>
    /// <returns>The combined path.</returns>
    public static string Combine(params string[] parts) => Path.Combine([Directory, .. parts]);
}
