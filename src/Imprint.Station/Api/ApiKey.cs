using System.Security.Cryptography;
using System.Text;
using Imprint.IO;

namespace Imprint.Station.Api;

/// <summary>The secret every control API request must carry.</summary>
internal static class ApiKey
{
    public static async Task<string> LoadOrCreateAsync(StationDirectory directory, string? file, CancellationToken cancellationToken)
    {
        if (file is not null)
        {
            if (!File.Exists(file)) throw new StationException($"{file}: the API key file does not exist.");
            var given = (await File.ReadAllTextAsync(file, cancellationToken)).Trim();
            if (given.Length < 16) throw new StationException($"{file}: the API key must be at least 16 characters.");
            return given;
        }

        if (File.Exists(directory.ApiKeyPath)) return (await File.ReadAllTextAsync(directory.ApiKeyPath, cancellationToken)).Trim();
        var key = "imp_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
        await AtomicFile.WriteAsync(directory.ApiKeyPath, Encoding.ASCII.GetBytes(key + "\n"), AtomicFile.OwnerOnly, cancellationToken);
        return key;
    }

    public static bool Matches(string expected, string? presented)
    {
        if (presented is null) return false;
        var a = Encoding.UTF8.GetBytes(expected);
        var b = Encoding.UTF8.GetBytes(presented);
        return CryptographicOperations.FixedTimeEquals(a, b);
    }
}
