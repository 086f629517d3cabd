using System.Text.Json;
using Imprint.IO;
using Imprint.Station.Internal;

namespace Imprint.Station.Cloud;

/// <summary>
/// How a provisioned station reaches its cloud: kept in <c>cloud.json</c> in the station folder.
/// The station signs its requests with its identity key (<c>identity.key</c>), so no secret is stored here.
/// </summary>
/// <param name="CloudUrl">The cloud's base URL.</param>
/// <param name="StationId">The id the cloud gave the station at registration.</param>
/// <param name="AccountId">The account the station belongs to (JOB images bound to another account are refused).</param>
/// <param name="FactoryId">The virtual factory the station was provisioned into.</param>
/// <param name="CloudKeyId">The id of the cloud's grant-signing key.</param>
/// <param name="CloudPublicKey">The cloud's grant-signing public key (base64 DER).</param>
public sealed record CloudSettings(string CloudUrl, string StationId, string AccountId, string FactoryId, string CloudKeyId, string CloudPublicKey)
{
    private const string FileName = "cloud.json";

    private static readonly JsonSerializerOptions Options = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    /// <summary>Gets the settings file of a station folder.</summary>
    /// <param name="directory">The station folder.</param>
    /// <returns>The path of <c>cloud.json</c>.</returns>
    public static string PathIn(StationDirectory directory)
    {
        ArgumentNullException.ThrowIfNull(directory);
        return System.IO.Path.Combine(directory.Path, FileName);
    }

    /// <summary>Loads the settings of a station folder.</summary>
    /// <param name="directory">The station folder.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The settings, or <see langword="null"/> when the station was never provisioned.</returns>
    /// <exception cref="StationException">The file is damaged.</exception>
    public static async Task<CloudSettings?> LoadAsync(StationDirectory directory, CancellationToken cancellationToken = default)
    {
        var path = PathIn(directory);
        if (!File.Exists(path)) return null;
        try
        {
            await using var stream = File.OpenRead(path);
            var settings = await JsonSerializer.DeserializeAsync<CloudSettings>(stream, Options, cancellationToken);
            if (settings is null || string.IsNullOrEmpty(settings.CloudUrl) || string.IsNullOrEmpty(settings.StationId) || string.IsNullOrEmpty(settings.AccountId))
            {
                throw new StationException($"{path} is not a valid cloud settings file: cloudUrl, stationId and accountId are required.");
            }

            return settings;
        }
        catch (JsonException ex)
        {
            throw new StationException($"{path} is not a valid cloud settings file: {ex.Message}", ex);
        }
    }

    /// <summary>Writes the settings into a station folder (atomically).</summary>
    /// <param name="directory">The station folder.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task that completes when the file is written.</returns>
    public Task SaveAsync(StationDirectory directory, CancellationToken cancellationToken = default) =>
        AtomicFile.WriteAsync(PathIn(directory), JsonSerializer.SerializeToUtf8Bytes(this, Options), cancellationToken: cancellationToken);
}
