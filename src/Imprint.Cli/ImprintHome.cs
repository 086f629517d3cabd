using Imprint.Keys;

namespace Imprint.Cli;

/// <summary>
/// The user's Imprint folder: <c>$IMPRINT_HOME</c>, or <c>~/.local/share/imprint</c> (where the
/// device catalog also keeps imported devices).
/// </summary>
internal static class ImprintHome
{
    public static string Directory => Imprint.IO.ImprintHome.Directory;

    public static string DefaultSigningKeyPath => Path.Combine(Directory, "keys", "signing.key");

    /// <summary>Loads the default signing key, creating it (and saying so on stderr) on first use.</summary>
    public static async Task<SigningKey> LoadOrCreateSigningKeyAsync()
    {
        string path = DefaultSigningKeyPath;
        if (File.Exists(path)) return SigningKey.Load(path);

        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var key = SigningKey.Create();
        string temp = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
        try
        {
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            await using (var stream = new FileStream(temp, options))
            await using (var writer = new StreamWriter(stream))
            {
                await writer.WriteAsync(key.ExportPem());
            }

            // No overwrite: when two builds race to create the key, both end up using the winner's.
            File.Move(temp, path, overwrite: false);
        }
        catch (IOException) when (File.Exists(path))
        {
            key.Dispose();
            return SigningKey.Load(path);
        }
        finally
        {
            File.Delete(temp);
        }

        await Console.Error.WriteLineAsync($"created signing key {path} (fingerprint {key.Fingerprint}); keep it safe: stations trust images by their signer.");
        return key;
    }
}
