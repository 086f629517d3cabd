using System.Text.Json;
using Imprint.Keys;
using Imprint.Testing;

namespace Imprint.Tests.Commands;

public sealed class KeysCommandTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task NewSigning_WritesPrivateAndPublicKey()
    {
        var path = _dir.File("signing.key");

        var result = await CliRunner.RunAsync("keys", "new-signing", "-o", path, "--json");

        result.ExitCode.ShouldBe(0, result.StdErr);
        using var json = JsonDocument.Parse(result.StdOut);
        using var key = SigningKey.Load(path);
        json.RootElement.GetProperty("fingerprint").GetString().ShouldBe(key.Fingerprint);
        SigningPublicKey.Load(path + ".pub").ShouldBe(key.PublicKey);
        if (!OperatingSystem.IsWindows()) File.GetUnixFileMode(path).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }

    [Fact]
    public async Task NewSigning_ExistingFile_IsNotReplacedWithoutForce()
    {
        var path = _dir.File("signing.key");
        await File.WriteAllTextAsync(path, "precious");

        var result = await CliRunner.RunAsync("keys", "new-signing", "-o", path);

        result.ExitCode.ShouldBe(1);
        result.StdErr.Trim().ShouldBe($"error: {path} already exists; pass --force to replace it (the old key is lost).");
        (await File.ReadAllTextAsync(path)).ShouldBe("precious");
        File.Exists(path + ".pub").ShouldBeFalse();
    }

    [Fact]
    public async Task NewEncryption_WithId_WritesAKeyFileNamingIt()
    {
        var path = _dir.File("customer.key");

        var result = await CliRunner.RunAsync("keys", "new-encryption", "-o", path, "--id", "acme-2025");

        result.ExitCode.ShouldBe(0, result.StdErr);
        result.StdOut.ShouldContain("key id acme-2025");
        EncryptionKey.Load(path).Id.ShouldBe("acme-2025");
    }

    [Fact]
    public async Task NewEncryption_BadId_SaysWhatIsAllowed()
    {
        var result = await CliRunner.RunAsync("keys", "new-encryption", "-o", _dir.File("k.key"), "--id", "no spaces");

        result.ExitCode.ShouldBe(1);
        result.StdErr.Trim().ShouldBe("error: --id: key id 'no spaces' is not valid; use 1 to 32 characters from A-Z a-z 0-9 . _ -.");
    }

    [Fact]
    public async Task Show_DescribesEachKindWithoutSecrets()
    {
        using var signing = SigningKey.Create();
        signing.Save(_dir.File("s.key"));
        signing.PublicKey.Save(_dir.File("s.key.pub"));
        var encryption = EncryptionKey.Create("e-1");
        encryption.Save(_dir.File("e.key"));

        var s = await CliRunner.RunAsync("keys", "show", _dir.File("s.key"));
        var p = await CliRunner.RunAsync("keys", "show", _dir.File("s.key.pub"));
        var e = await CliRunner.RunAsync("keys", "show", _dir.File("e.key"));

        s.StdOut.Trim().ShouldBe($"{_dir.File("s.key")}: signing key, fingerprint {signing.Fingerprint}");
        p.StdOut.Trim().ShouldBe($"{_dir.File("s.key.pub")}: signing-public key, fingerprint {signing.Fingerprint}");
        e.StdOut.Trim().ShouldBe($"{_dir.File("e.key")}: encryption key, id e-1");
        e.StdOut.ShouldNotContain(JsonDocument.Parse(encryption.Export()).RootElement.GetProperty("key").GetString()!);
    }
}
