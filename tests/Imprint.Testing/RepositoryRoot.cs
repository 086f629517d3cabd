namespace Imprint.Testing;

/// <summary>Finds the repository's root folder (the one holding Imprint.slnx) from the test binaries.</summary>
public static class RepositoryRoot
{
    private static readonly Lazy<string> Root = new(Find);

    public static string Path => Root.Value;

    public static string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "Imprint.slnx"))) return dir.FullName;
        }

        throw new InvalidOperationException($"no Imprint.slnx above {AppContext.BaseDirectory}.");
    }
}
