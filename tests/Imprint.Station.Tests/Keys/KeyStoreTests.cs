using Imprint.Keys;
using Imprint.Station;
using Imprint.Station.Keys;
using Imprint.Testing;

namespace Imprint.Tests.Keys;

public sealed class KeyStoreTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void AddListFindDelete()
    {
        var store = new KeyStore(new StationDirectory(_temp.File("st")));
        var key = EncryptionKey.Create("k-line1");
        key.Save(_temp.File("line1.key"));
        using var signer = SigningKey.Create();
        signer.PublicKey.Save(_temp.File("signer.pub"));

        store.Add(_temp.File("line1.key")).ShouldBe(new StationKey(StationKeyKind.Encryption, "k-line1", store.List()[0].File));
        store.Add(_temp.File("signer.pub")).Kind.ShouldBe(StationKeyKind.Signer);

        store.List().Select(k => (k.Kind, k.Id)).ShouldBe([(StationKeyKind.Encryption, "k-line1"), (StationKeyKind.Signer, signer.Fingerprint)]);
        store.FindEncryptionKey("k-line1")!.SameAs(key).ShouldBeTrue();
        store.FindEncryptionKey("../../etc/passwd").ShouldBeNull();
        store.Trusts(signer.Fingerprint).ShouldBeTrue();
        store.TrustedSigners().Single().ShouldBe(signer.PublicKey);

        store.Delete("k-line1");
        store.FindEncryptionKey("k-line1").ShouldBeNull();
        Should.Throw<StationException>(() => store.Delete("k-line1")).Message.ShouldBe("the station holds no key 'k-line1'.");
    }

    [Fact]
    public void PrivateSigningKey_IsRefused()
    {
        var store = new KeyStore(new StationDirectory(_temp.File("st")));
        using var signer = SigningKey.Create();
        signer.Save(_temp.File("signing.key"));

        var ex = Should.Throw<KeyException>(() => store.Add(_temp.File("signing.key")));

        ex.Message.ShouldBe($"{_temp.File("signing.key")} holds a private key; give its public key (the .pub file written beside it).");
        store.List().ShouldBeEmpty();
    }
}
