using Imprint.Keys;
using Imprint.Testing;

namespace Imprint.Tests.Keys;

public sealed class KeyRingTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void LoadFolder_LoadsEncryptionKeysAndSkipsSigningKeys()
    {
        var a = EncryptionKey.Create("a");
        var b = EncryptionKey.Create("b");
        a.Save(_dir.File("a.key"));
        b.Save(_dir.File("b.key"));
        using var signing = SigningKey.Create();
        signing.Save(_dir.File("signing.key"));
        signing.PublicKey.Save(_dir.File("signing.key.pub"));
        File.WriteAllText(_dir.File("notes.txt"), "not a key");

        var ring = KeyRing.LoadFolder(_dir.Path);

        ring.Ids.ShouldBe(["a", "b"]);
        ring.FindEncryptionKey("a")!.SameAs(a).ShouldBeTrue();
        ring.FindEncryptionKey("c").ShouldBeNull();
    }

    [Fact]
    public void LoadFolder_TwoDifferentKeysWithOneId_NamesBothFiles()
    {
        EncryptionKey.Create("same").Save(_dir.File("one.key"));
        EncryptionKey.Create("same").Save(_dir.File("two.key"));

        Should.Throw<KeyException>(() => KeyRing.LoadFolder(_dir.Path)).Message
            .ShouldBe($"{_dir.File("two.key")} and {_dir.File("one.key")} hold different keys with the same id same.");
    }

    [Fact]
    public void LoadFolder_MalformedKeyFile_NamesIt()
    {
        File.WriteAllText(_dir.File("broken.key"), "{}");

        Should.Throw<KeyException>(() => KeyRing.LoadFolder(_dir.Path)).Message
            .ShouldBe($"{_dir.File("broken.key")} is not an encryption key file: 'kind' must be 'imprint-encryption-key'.");
    }

    [Fact]
    public void LoadFolder_Missing_SaysSo()
    {
        var path = _dir.File("keys");

        Should.Throw<KeyException>(() => KeyRing.LoadFolder(path)).Message.ShouldBe($"{path}: the key folder does not exist.");
    }

    [Fact]
    public void Add_SameKeyTwice_IsHarmless()
    {
        var key = EncryptionKey.Create("k");
        var ring = new KeyRing([key, EncryptionKey.FromBytes("k", GetBytes(key))]);

        ring.Count.ShouldBe(1);
    }

    [Fact]
    public void AddPath_TakesFilesAndFolders()
    {
        Directory.CreateDirectory(_dir.File("folder"));
        EncryptionKey.Create("in-folder").Save(Path.Combine(_dir.File("folder"), "a.key"));
        EncryptionKey.Create("loose").Save(_dir.File("loose.json"));
        var ring = new KeyRing();

        ring.AddPath(_dir.File("folder"));
        ring.AddPath(_dir.File("loose.json"));

        ring.Ids.ShouldBe(["in-folder", "loose"]);
    }

    private static byte[] GetBytes(EncryptionKey key) => key.Material.ToArray();
}
