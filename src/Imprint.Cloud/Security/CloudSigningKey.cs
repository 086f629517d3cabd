using System.Security.Cryptography;
using Imprint.Cloud.Internal;
using Imprint.Cloud.Storage;

namespace Imprint.Cloud.Security;

/// <summary>
/// The cloud's ECDSA P-256 grant-signing key. Created on first start and stored in the database,
/// so every host sharing the database signs with the same key (the first writer wins).
/// </summary>
public sealed class CloudSigningKey : IDisposable
{
    private ECDsa? _key;

    public string KeyId { get; private set; } = "";

    public string PublicKey { get; private set; } = "";

    public async Task LoadOrCreateAsync(CloudDatabase database, TimeProvider time, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(database);
        using var fresh = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var candidate = Convert.ToBase64String(fresh.ExportPkcs8PrivateKey());
        var stored = await database.WriteAsync(async s =>
        {
            await s.ExecuteAsync("INSERT INTO cloud_keys (id, private_key, created_at) VALUES ('grant-signing', @candidate, @now) ON CONFLICT (id) DO NOTHING",
                new { candidate, now = time.Now() }, ct).ConfigureAwait(false);
            return await s.ScalarAsync<string>("SELECT private_key FROM cloud_keys WHERE id = 'grant-signing'", ct: ct).ConfigureAwait(false);
        }, ct).ConfigureAwait(false);
        var key = ECDsa.Create();
        key.ImportPkcs8PrivateKey(Convert.FromBase64String(stored), out _);
        var spki = key.ExportSubjectPublicKeyInfo();
        PublicKey = Convert.ToBase64String(spki);
        KeyId = "cloud-" + Convert.ToHexStringLower(SHA256.HashData(spki))[..16];
        Interlocked.Exchange(ref _key, key)?.Dispose();
    }

    public string Sign(ReadOnlySpan<byte> payload)
    {
        var key = _key ?? throw new InvalidOperationException("The cloud signing key is not loaded yet.");
        // ECDsa instances are not documented as thread-safe; signing is cheap next to a database round trip.
        lock (key)
        {
            return Convert.ToBase64String(key.SignData(payload, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation));
        }
    }

    public void Dispose() => _key?.Dispose();
}
