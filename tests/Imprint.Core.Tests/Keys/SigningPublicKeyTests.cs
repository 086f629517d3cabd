using Imprint.Keys;
using Imprint.Testing;
using Imprint.Testing.Images;

namespace Imprint.Tests.Keys;

public sealed class SigningPublicKeyTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void SaveAndLoad_RoundTrips()
    {
        using var key = SigningKey.Create();
        var path = _dir.File("signing.pub");

        key.PublicKey.Save(path);
        var loaded = SigningPublicKey.Load(path);

        loaded.ShouldBe(key.PublicKey);
        loaded.Fingerprint.ShouldBe(key.Fingerprint);
        loaded.GetHashCode().ShouldBe(key.PublicKey.GetHashCode());
        File.ReadAllText(path).ShouldStartWith("-----BEGIN PUBLIC KEY-----");
    }

    [Fact]
    public async Task Load_OpenSslPublicKey_IsAccepted()
    {
        var priv = _dir.File("k.pem");
        var pub = _dir.File("k.pub");
        await Tool.RunAsync("openssl", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", priv);
        await Tool.RunAsync("openssl", "pkey", "-in", priv, "-pubout", "-out", pub);

        SigningPublicKey.Load(pub).ShouldBe(SigningKey.Load(priv).PublicKey);
    }

    [Fact]
    public async Task Load_CompressedPoint_IsRefused()
    {
        var priv = _dir.File("k.pem");
        var pub = _dir.File("k.pub");
        await Tool.RunAsync("openssl", "ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", priv);
        await Tool.RunAsync("openssl", "ec", "-in", priv, "-pubout", "-conv_form", "compressed", "-out", pub);

        var ex = Should.Throw<KeyException>(() => SigningPublicKey.Load(pub));

        // One key must have one fingerprint, so only the uncompressed encoding is accepted.
        ex.Message.ShouldBe($"{pub}: the public key is malformed or not an uncompressed ECDSA P-256 key.");
    }

    [Fact]
    public void Load_PrivateKey_PointsAtThePubFile()
    {
        using var key = SigningKey.Create();
        var path = _dir.File("signing.key");
        key.Save(path);

        Should.Throw<KeyException>(() => SigningPublicKey.Load(path)).Message
            .ShouldBe($"{path} holds a private key; give its public key (the .pub file written beside it).");
    }

    [Fact]
    public void FromSubjectPublicKeyInfo_TrailingBytes_AreRefused()
    {
        using var key = SigningKey.Create();
        byte[] spki = [.. key.PublicKey.SubjectPublicKeyInfo.Span, 0];

        Should.Throw<KeyException>(() => SigningPublicKey.FromSubjectPublicKeyInfo(spki, "x")).Message.ShouldBe("x: the public key has 1 bytes after its end.");
    }
}
