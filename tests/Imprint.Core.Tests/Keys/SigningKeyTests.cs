using System.Security.Cryptography;
using Imprint.Keys;
using Imprint.Testing;
using Imprint.Testing.Images;

namespace Imprint.Tests.Keys;

public sealed class SigningKeyTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void SaveAndLoad_RoundTripsWithOwnerOnlyMode()
    {
        using var key = SigningKey.Create();
        var path = _dir.File("signing.key");

        key.Save(path);
        using var loaded = SigningKey.Load(path);

        loaded.Fingerprint.ShouldBe(key.Fingerprint);
        loaded.PublicKey.ShouldBe(key.PublicKey);
        if (!OperatingSystem.IsWindows()) File.GetUnixFileMode(path).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.ReadAllText(path).ShouldStartWith("-----BEGIN PRIVATE KEY-----");
    }

    [Fact]
    public void Fingerprint_IsTheFirst16BytesOfTheSpkiSha256()
    {
        using var key = SigningKey.Create();

        key.Fingerprint.ShouldBe(Convert.ToHexStringLower(SHA256.HashData(key.PublicKey.SubjectPublicKeyInfo.Span)[..16]));
        key.Fingerprint.Length.ShouldBe(32);
    }

    [Fact]
    public async Task Load_OpenSslGeneratedSec1Key_HasTheFingerprintOpenSslComputes()
    {
        var path = _dir.File("openssl.key");
        var der = _dir.File("pub.der");
        await Tool.RunAsync("openssl", "ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", path);
        await Tool.RunAsync("openssl", "pkey", "-in", path, "-pubout", "-outform", "DER", "-out", der);

        using var key = SigningKey.Load(path);

        key.Fingerprint.ShouldBe(Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(der))[..16]));
    }

    [Fact]
    public async Task Load_KeyOnAnotherCurve_NamesTheCurve()
    {
        var path = _dir.File("p384.key");
        await Tool.RunAsync("openssl", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:secp384r1", "-out", path);

        var ex = Should.Throw<KeyException>(() => SigningKey.Load(path));

        ex.Message.ShouldBe($"{path} holds a key on curve P-384; Imprint signs with ECDSA P-256.");
    }

    [Fact]
    public async Task Load_RsaKey_SaysItIsNotAnEcdsaKey()
    {
        var path = _dir.File("rsa.key");
        await Tool.RunAsync("openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:1024", "-out", path);

        Should.Throw<KeyException>(() => SigningKey.Load(path)).Message.ShouldBe($"{path}: the private key is malformed or not an ECDSA key.");
    }

    [Fact]
    public async Task Load_PasswordProtectedKey_SaysSo()
    {
        var path = _dir.File("locked.key");
        await Tool.RunAsync("openssl", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-aes-128-cbc", "-pass", "pass:secret", "-out", path);

        Should.Throw<KeyException>(() => SigningKey.Load(path)).Message
            .ShouldBe($"{path} is password-protected; Imprint reads unencrypted PKCS#8 keys kept with file mode 0600.");
    }

    [Fact]
    public void Load_PublicKeyFile_SaysAPrivateKeyIsNeeded()
    {
        using var key = SigningKey.Create();
        var path = _dir.File("signing.key.pub");
        key.PublicKey.Save(path);

        Should.Throw<KeyException>(() => SigningKey.Load(path)).Message.ShouldBe($"{path} holds a public key; signing needs the private key.");
    }

    [Theory]
    [InlineData("not a key", "is not a signing key file: it holds no PEM block.")]
    [InlineData("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n", "holds a PEM 'CERTIFICATE' block; a 'PRIVATE KEY' block is needed.")]
    [InlineData("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n", ": the private key is malformed or not an ECDSA key.")]
    public void Load_Garbage_NamesTheFile(string text, string problem)
    {
        var path = _dir.File("bad.key");
        File.WriteAllText(path, text);

        Should.Throw<KeyException>(() => SigningKey.Load(path)).Message.ShouldBe(path + (problem.StartsWith(':') ? "" : " ") + problem);
    }

    [Fact]
    public void Load_MissingFile_SaysItDoesNotExist()
    {
        var path = _dir.File("nope.key");

        Should.Throw<KeyException>(() => SigningKey.Load(path)).Message.ShouldBe($"{path}: the key file does not exist.");
    }

    [Fact]
    public void Load_Folder_SaysItIsAFolder()
    {
        Should.Throw<KeyException>(() => SigningKey.Load(_dir.Path)).Message.ShouldBe($"{_dir.Path} is a folder, not a key file.");
    }

    [Fact]
    public void Load_HugeFile_IsRefusedWithoutReadingIt()
    {
        var path = _dir.File("image.imp");
        File.WriteAllBytes(path, new byte[100_000]);

        Should.Throw<KeyException>(() => SigningKey.Load(path)).Message.ShouldBe($"{path} is 100000 bytes, too large to be a key file.");
    }

    [Fact]
    public void ToString_NeverShowsTheKey()
    {
        using var key = SigningKey.Create();

        key.ToString().ShouldBe("P-256 signing key " + key.Fingerprint);
    }
}
