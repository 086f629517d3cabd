using System.Text.Json;
using Imprint.Images;
using Imprint.Keys;
using Imprint.Projects;
using Imprint.Testing;
using Imprint.Testing.Images;

namespace Imprint.Tests.Commands;

public sealed class ImageCommandTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly SigningKey _signer = SigningKey.Create();
    private readonly EncryptionKey _key = EncryptionKey.Create("customer-a");

    public ImageCommandTests()
    {
        _signer.PublicKey.Save(_dir.File("signer.pub"));
        _key.Save(_dir.File("customer-a.key"));
    }

    public void Dispose()
    {
        _signer.Dispose();
        _dir.Dispose();
    }

    [Fact]
    public async Task Verify_IntactImage_PrintsOneOkLine()
    {
        var path = _dir.File("widget.imp");
        var id = await ImageWriter.WriteAsync(ImageSamples.Content(), path, _signer);

        var result = await CliRunner.RunAsync("image", "verify", path, "--trust", _dir.File("signer.pub"));

        result.ExitCode.ShouldBe(0, result.StdErr);
        var lines = result.StdOut.TrimEnd().Split('\n');
        lines.Length.ShouldBe(1);
        lines[0].ShouldStartWith($"OK {path}: SAP image {id} 'widget', 4 sections, {new FileInfo(path).Length} bytes, signed by a trusted key {_signer.Fingerprint}, sha256 ");
    }

    [Fact]
    public async Task Verify_FlippedByte_ExitsOneWithTheReason()
    {
        var path = _dir.File("widget.imp");
        await ImageWriter.WriteAsync(ImageSamples.Content(), path, _signer);
        var bytes = await File.ReadAllBytesAsync(path);
        bytes[192 + 40_000 + 5] ^= 0x10; // inside the second firmware section
        await File.WriteAllBytesAsync(path, bytes);

        var result = await CliRunner.RunAsync("image", "verify", path);

        result.ExitCode.ShouldBe(1);
        result.StdOut.ShouldBeEmpty();
        result.StdErr.Trim().ShouldBe($"error: {path}: section 'firmware@0x08010000' does not match its SHA-256; the file is damaged or was modified.");
    }

    [Fact]
    public async Task Verify_EncryptedWithoutKey_SaysThisMachineDoesNotHoldIt()
    {
        var path = _dir.File("widget.imp");
        await ImageWriter.WriteAsync(ImageSamples.Content(), path, _signer, _key);

        var result = await CliRunner.RunAsync("image", "verify", path);

        result.ExitCode.ShouldBe(1);
        result.StdErr.Trim().ShouldBe($"error: {path} is encrypted with key customer-a; this machine does not hold it.");
    }

    [Fact]
    public async Task Verify_EncryptedWithKeyFolder_Succeeds_AndJsonSaysUntrusted()
    {
        var path = _dir.File("widget.imp");
        await ImageWriter.WriteAsync(ImageSamples.Content(), path, _signer, _key);

        var result = await CliRunner.RunAsync("image", "verify", path, "--key", _dir.Path, "--json");

        result.ExitCode.ShouldBe(0, result.StdErr);
        using var json = JsonDocument.Parse(result.StdOut);
        json.RootElement.GetProperty("ok").GetBoolean().ShouldBeTrue();
        json.RootElement.GetProperty("signerTrusted").GetBoolean().ShouldBeFalse();
        json.RootElement.GetProperty("sha256").GetString().ShouldBe(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(await File.ReadAllBytesAsync(path))));
    }

    [Fact]
    public async Task Verify_OtherSigner_IsRefusedWithTrust()
    {
        var path = _dir.File("widget.imp");
        using var other = SigningKey.Create();
        await ImageWriter.WriteAsync(ImageSamples.Content(), path, other);

        var result = await CliRunner.RunAsync("image", "verify", path, "--trust", _dir.File("signer.pub"));

        result.ExitCode.ShouldBe(1);
        result.StdErr.Trim().ShouldBe($"error: {path} is signed by key {other.Fingerprint}, which is not a trusted signer.");
    }

    [Fact]
    public async Task Inspect_EncryptedWithoutKey_ShowsThePublicHeaderOnly()
    {
        var path = _dir.File("job.imp");
        var id = await ImageWriter.WriteAsync(ImageSamples.Content(ImageType.Job), path, _signer, _key);

        var text = await CliRunner.RunAsync("image", "inspect", path);
        var json = await CliRunner.RunAsync("image", "inspect", path, "--json");

        text.ExitCode.ShouldBe(0, text.StdErr);
        text.StdOut.ShouldContain($"id            {id}");
        text.StdOut.ShouldContain("type          JOB");
        text.StdOut.ShouldContain("encrypted     yes, AES-256-GCM with key customer-a");
        text.StdOut.ShouldContain("manifest      encrypted with key customer-a, which is not given; pass --key FILE to read and verify it");
        text.StdOut.ShouldNotContain("factory-7");
        using var doc = JsonDocument.Parse(json.StdOut);
        doc.RootElement.GetProperty("verified").GetBoolean().ShouldBeFalse();
        doc.RootElement.GetProperty("header").GetProperty("keyId").GetString().ShouldBe("customer-a");
        doc.RootElement.TryGetProperty("manifest", out _).ShouldBeFalse();
    }

    [Fact]
    public async Task Inspect_JobImageWithKey_ShowsTheBinding()
    {
        var path = _dir.File("job.imp");
        await ImageWriter.WriteAsync(ImageSamples.Content(ImageType.Job), path, _signer, _key);

        var text = await CliRunner.RunAsync("image", "inspect", path, "--key", _dir.File("customer-a.key"));
        var json = await CliRunner.RunAsync("image", "inspect", path, "--key", _dir.File("customer-a.key"), "--json");

        text.ExitCode.ShouldBe(0, text.StdErr);
        text.StdOut.ShouldContain("binding       account acme, factory factory-7, cloud https://cloud.example.com");
        text.StdOut.ShouldContain("section       firmware@0x08000000      Firmware  0x08000000      40000 bytes");
        text.StdOut.ShouldContain("device        STM32F407VG (STMicroelectronics Cortex-M4)");
        using var doc = JsonDocument.Parse(json.StdOut);
        doc.RootElement.GetProperty("verified").GetBoolean().ShouldBeTrue();
        var binding = doc.RootElement.GetProperty("manifest").GetProperty("spec").GetProperty("binding");
        binding.GetProperty("accountId").GetString().ShouldBe("acme");
        binding.GetProperty("factoryId").GetString().ShouldBe("factory-7");
        doc.RootElement.GetProperty("manifest").GetProperty("sections").GetArrayLength().ShouldBe(4);
    }

    [Fact]
    public async Task Inspect_NotAnImage_ExitsOne()
    {
        var path = _dir.File("notes.txt");
        await File.WriteAllTextAsync(path, "hello");

        var result = await CliRunner.RunAsync("image", "inspect", path);

        result.ExitCode.ShouldBe(1);
        result.StdErr.Trim().ShouldBe($"error: {path} is not an Imprint image: it does not start with the 'IMPRINT' signature bytes.");
    }
}
