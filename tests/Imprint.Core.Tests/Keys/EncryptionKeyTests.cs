using Imprint.Keys;
using Imprint.Testing;

namespace Imprint.Tests.Keys;

public sealed class EncryptionKeyTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Create_WithoutId_MakesAShortRandomId()
    {
        var key = EncryptionKey.Create();

        key.Id.ShouldMatch("^k-[0-9a-f]{8}$");
        EncryptionKey.Create().Id.ShouldNotBe(key.Id);
    }

    [Fact]
    public void SaveAndLoad_RoundTripsWithOwnerOnlyMode()
    {
        var key = EncryptionKey.Create("line-3.customer_A");
        var path = _dir.File("customer.key");

        key.Save(path);
        var loaded = EncryptionKey.Load(path);

        loaded.Id.ShouldBe("line-3.customer_A");
        loaded.SameAs(key).ShouldBeTrue();
        if (!OperatingSystem.IsWindows()) File.GetUnixFileMode(path).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }

    [Fact]
    public void FromBytes_SameBytes_IsTheSameKey()
    {
        var bytes = Enumerable.Range(0, 32).Select(i => (byte)i).ToArray();

        EncryptionKey.FromBytes("k", bytes).SameAs(EncryptionKey.FromBytes("k", bytes)).ShouldBeTrue();
        EncryptionKey.FromBytes("k", bytes).SameAs(EncryptionKey.FromBytes("j", bytes)).ShouldBeFalse();
        Should.Throw<KeyException>(() => EncryptionKey.FromBytes("k", bytes[..16])).Message.ShouldBe("encryption key k is 16 bytes; AES-256 keys are 32 bytes.");
    }

    [Theory]
    [InlineData("")]
    [InlineData("has space")]
    [InlineData("ünï")]
    [InlineData("a23456789012345678901234567890123")]
    public void Create_InvalidId_SaysWhatIsAllowed(string id)
    {
        Should.Throw<KeyException>(() => EncryptionKey.Create(id)).Message
            .ShouldBe($"--id: key id '{id}' is not valid; use 1 to 32 characters from A-Z a-z 0-9 . _ -.");
    }

    [Theory]
    [InlineData("{", "is not an encryption key file: it is not valid JSON (line 1).")]
    [InlineData("[]", "is not an encryption key file: it is not a JSON object.")]
    [InlineData("{\"kind\":\"x\",\"version\":1,\"id\":\"k\",\"key\":\"AAAA\"}", "is not an encryption key file: 'kind' must be 'imprint-encryption-key'.")]
    [InlineData("{\"kind\":\"imprint-encryption-key\",\"version\":2,\"id\":\"k\",\"key\":\"AAAA\"}", ": encryption key file version 2 is not supported; this Imprint reads version 1.")]
    [InlineData("{\"kind\":\"imprint-encryption-key\",\"version\":1,\"key\":\"AAAA\"}", ": the 'id' field is missing.")]
    [InlineData("{\"kind\":\"imprint-encryption-key\",\"version\":1,\"id\":\"k\"}", ": the 'key' field is missing.")]
    [InlineData("{\"kind\":\"imprint-encryption-key\",\"version\":1,\"id\":\"k\",\"key\":\"AAAA\"}", ": 'key' must be 32 bytes in base64.")]
    [InlineData("{\"kind\":\"imprint-encryption-key\",\"version\":1,\"id\":\"k\",\"key\":7}", ": 'key' must be a string.")]
    [InlineData("{\"kind\":\"imprint-encryption-key\",\"version\":1,\"id\":\"k\",\"key\":\"AAAA\",\"note\":\"x\"}", ": unknown field 'note' in an encryption key file.")]
    [InlineData("-----BEGIN PRIVATE KEY-----\n", "is a PEM file (a signing key?); an encryption key file is JSON made by 'imprint keys new-encryption'.")]
    public void Load_Malformed_NamesTheFileAndProblem(string text, string problem)
    {
        var path = _dir.File("bad.key");
        File.WriteAllText(path, text);

        Should.Throw<KeyException>(() => EncryptionKey.Load(path)).Message.ShouldBe(path + (problem.StartsWith(':') ? "" : " ") + problem);
    }

    [Fact]
    public void Load_BadId_NamesTheFile()
    {
        var path = _dir.File("bad.key");
        File.WriteAllText(path, "{\"kind\":\"imprint-encryption-key\",\"version\":1,\"id\":\"a b\",\"key\":\"AAAA\"}");

        Should.Throw<KeyException>(() => EncryptionKey.Load(path)).Message
            .ShouldBe($"{path}: 'id': key id 'a b' is not valid; use 1 to 32 characters from A-Z a-z 0-9 . _ -.");
    }

    [Fact]
    public void ToStringAndExport_ShowTheKeyOnlyInTheFile()
    {
        var key = EncryptionKey.Create("k");

        key.ToString().ShouldBe("encryption key k");
        key.Export().ShouldContain("\"key\": \"");
    }
}
