using System.Text.Json;

namespace Imprint.Sdk.Cloud;

/// <summary>
/// A credentials file: what an owner downloads from the cloud and the CLI, the image builder and
/// scripts use to call the cloud API. The secret is shown only when the credential is created.
/// </summary>
/// <param name="Id">The credential id.</param>
/// <param name="Secret">The secret (base64url of 32 random bytes).</param>
/// <param name="CloudUrl">The cloud's base URL.</param>
/// <param name="AccountId">The account it belongs to.</param>
public sealed record CloudCredentials(string Id, string Secret, string CloudUrl, string AccountId)
{
    /// <summary>Gets the value of the HTTP <c>Authorization</c> header for these credentials.</summary>
    public string AuthorizationHeader => $"Bearer {Id}.{Secret}";

    /// <summary>Gets the default credentials file: <c>credentials.json</c> in <see cref="Imprint.IO.ImprintHome"/>.</summary>
    public static string DefaultPath => Imprint.IO.ImprintHome.Combine("credentials.json");

    /// <summary>Reads a credentials file.</summary>
    /// <param name="path">The file.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The credentials.</returns>
    /// <exception cref="CloudCredentialsException">The file is missing, not JSON, or lacks a field.</exception>
    public static async Task<CloudCredentials> LoadAsync(string path, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
        {
            throw new CloudCredentialsException($"{path}: no credentials file there; create one with `imprint cloud credentials create -o {path}` or pass --credentials.");
        }

        CloudCredentials? credentials;
        try
        {
            await using var stream = File.OpenRead(path);
            credentials = await JsonSerializer.DeserializeAsync<CloudCredentials>(stream, CloudJson.Options, cancellationToken).ConfigureAwait(false);
        }
        catch (JsonException ex)
        {
            throw new CloudCredentialsException($"{path}: not a credentials file ({ex.Message}).");
        }

        if (credentials is null || string.IsNullOrEmpty(credentials.Id) || string.IsNullOrEmpty(credentials.Secret)
            || string.IsNullOrEmpty(credentials.CloudUrl) || string.IsNullOrEmpty(credentials.AccountId))
        {
            throw new CloudCredentialsException($"{path}: a credentials file needs id, secret, cloudUrl and accountId.");
        }

        return credentials;
    }

    /// <summary>Writes the credentials to a file atomically (temp file, then rename), readable by the owner only where the OS allows.</summary>
    /// <param name="path">The file.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when the file is in place.</returns>
    public async Task SaveAsync(string path, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(path);
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var temp = full + "." + Guid.NewGuid().ToString("N")[..8] + ".tmp";
        try
        {
            await using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write))
            {
                if (!OperatingSystem.IsWindows())
                {
                    File.SetUnixFileMode(temp, UnixFileMode.UserRead | UnixFileMode.UserWrite);
                }

                await JsonSerializer.SerializeAsync(stream, this, IndentedOptions, cancellationToken).ConfigureAwait(false);
            }

            File.Move(temp, full, overwrite: true);
        }
        finally
        {
            File.Delete(temp);
        }
    }

    private static readonly JsonSerializerOptions IndentedOptions = new(CloudJson.Options) { WriteIndented = true };
}

/// <summary>A credentials file that cannot be used.</summary>
/// <param name="message">One sentence naming the file and the problem.</param>
public sealed class CloudCredentialsException(string message) : ImprintException(message);
