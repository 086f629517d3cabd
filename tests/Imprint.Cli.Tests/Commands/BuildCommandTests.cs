using System.Text.Json;
using Imprint.Images;
using Imprint.Keys;

namespace Imprint.Tests.Commands;

public sealed class BuildCommandTests
{
    [Fact]
    public async Task Build_SampleProject_WritesASignedImageAndReportsIt()
    {
        using var fixture = await ProjectCliFixture.CreateAsync();
        var result = await fixture.RunAsync("build", fixture.ProjectPath, "-o", fixture.File("sample.imp"), "--sign-key", fixture.SigningKeyPath, "--json");
        result.ExitCode.ShouldBe(0, result.StdErr);

        using var doc = JsonDocument.Parse(result.StdOut);
        var root = doc.RootElement;
        root.GetProperty("type").GetString().ShouldBe("sap");
        root.GetProperty("device").GetString().ShouldBe("LM3S6965");
        root.TryGetProperty("viewUrl", out _).ShouldBeFalse();
        root.GetProperty("sections")[0].GetProperty("name").GetString().ShouldBe("firmware@0x00000000");

        var image = await ImageReader.OpenAsync(fixture.File("sample.imp"), new KeyRing());
        image.Id.ToString().ShouldBe(root.GetProperty("imageId").GetString());
        image.Spec.Name.ShouldBe("lm3s6965-sample");
        image.Spec.Serials.Single().Address.ShouldBe(0x0003F000UL);
        image.SignerPublicKey.Fingerprint.ShouldBe(SigningKey.Load(fixture.SigningKeyPath).Fingerprint);
        root.GetProperty("fileBytes").GetInt64().ShouldBe(new FileInfo(fixture.File("sample.imp")).Length);
    }

    [Fact]
    public async Task Build_SampleProject_ImageInspectShowsTheSpec()
    {
        using var fixture = await ProjectCliFixture.CreateAsync();
        var built = await fixture.RunAsync("build", fixture.ProjectPath, "-o", fixture.File("sample.imp"), "--sign-key", fixture.SigningKeyPath, "--max-count", "500");
        built.ExitCode.ShouldBe(0, built.StdErr);

        var inspect = await fixture.RunAsync("image", "inspect", fixture.File("sample.imp"), "--json");
        inspect.ExitCode.ShouldBe(0, inspect.StdErr);
        using var doc = JsonDocument.Parse(inspect.StdOut);
        var spec = doc.RootElement.GetProperty("manifest").GetProperty("spec");
        spec.GetProperty("name").GetString().ShouldBe("lm3s6965-sample");
        spec.GetProperty("device").GetProperty("name").GetString().ShouldBe("LM3S6965");
        spec.GetProperty("restrictions").GetProperty("maxCount").GetInt64().ShouldBe(500);
        var serial = spec.GetProperty("serials")[0];
        serial.GetProperty("name").GetString().ShouldBe("sn");
        serial.GetProperty("address").GetUInt64().ShouldBe(0x0003F000UL);
        spec.GetProperty("script").GetArrayLength().ShouldBe(6);

        var text = await fixture.RunAsync("image", "inspect", fixture.File("sample.imp"));
        text.StdOut.ShouldContain("serial        sn (pool default) at 0x0003F000, 4 bytes");
    }

    [Fact]
    public async Task Build_WithoutSigningKey_CreatesTheDefaultKeyOnceAndSaysSo()
    {
        using var fixture = await ProjectCliFixture.CreateAsync();
        string keyPath = Path.Combine(fixture.Home, "keys", "signing.key");

        var first = await fixture.RunAsync("build", fixture.ProjectPath, "-o", fixture.File("a.imp"));
        first.ExitCode.ShouldBe(0, first.StdErr);
        first.StdErr.ShouldStartWith($"created signing key {keyPath} (fingerprint ");
        File.Exists(keyPath).ShouldBeTrue();
        if (!OperatingSystem.IsWindows()) File.GetUnixFileMode(keyPath).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite);

        var second = await fixture.RunAsync("build", fixture.ProjectPath, "-o", fixture.File("b.imp"));
        second.ExitCode.ShouldBe(0, second.StdErr);
        second.StdErr.ShouldBeEmpty();
        var a = await ImageReader.OpenAsync(fixture.File("a.imp"), new KeyRing());
        var b = await ImageReader.OpenAsync(fixture.File("b.imp"), new KeyRing());
        b.SignerPublicKey.Fingerprint.ShouldBe(a.SignerPublicKey.Fingerprint);
    }

    [Fact]
    public async Task Build_AsJob_PrintsTheViewOnlineUrl()
    {
        using var fixture = await ProjectCliFixture.CreateAsync();
        var result = await fixture.RunAsync(
            "build", fixture.ProjectPath, "-o", fixture.File("job.imp"), "--sign-key", fixture.SigningKeyPath,
            "--type", "job", "--cloud-account", "acme", "--cloud-factory", "line-1", "--cloud-url", "https://cloud.example/");
        result.ExitCode.ShouldBe(0, result.StdErr);

        var image = await ImageReader.OpenAsync(fixture.File("job.imp"), new KeyRing());
        image.Type.ShouldBe(Imprint.Projects.ImageType.Job);
        image.Spec.Binding.ShouldBe(new Imprint.Projects.CloudBinding("acme", "line-1", "https://cloud.example/"));
        result.StdOut.ShouldContain("  type:      JOB\n");
        result.StdOut.ShouldContain($"  view online: https://cloud.example/jobs/{image.Id}\n");
    }

    [Fact]
    public async Task Build_WithEncryptionKey_EncryptsUnderIt()
    {
        using var fixture = await ProjectCliFixture.CreateAsync();
        var key = EncryptionKey.Create("customer-a");
        key.Save(fixture.File("customer-a.key"));
        var result = await fixture.RunAsync("build", fixture.ProjectPath, "-o", fixture.File("enc.imp"), "--sign-key", fixture.SigningKeyPath, "--encrypt-key", fixture.File("customer-a.key"));
        result.ExitCode.ShouldBe(0, result.StdErr);
        result.StdOut.ShouldContain("encrypted with key customer-a");
        ImageReader.ReadHeader(fixture.File("enc.imp")).KeyId.ShouldBe("customer-a");
        var image = await ImageReader.OpenAsync(fixture.File("enc.imp"), new KeyRing([key]));
        image.Spec.Name.ShouldBe("lm3s6965-sample");
    }

    [Fact]
    public async Task Build_BrokenProject_ListsEveryProblemAndWritesNothing()
    {
        using var fixture = await ProjectCliFixture.CreateAsync();
        string yaml = await File.ReadAllTextAsync(fixture.ProjectPath);
        await File.WriteAllTextAsync(fixture.ProjectPath, yaml.Replace("address: 0x0003F100", "address: 0x00000100", StringComparison.Ordinal));
        var result = await fixture.RunAsync("build", fixture.ProjectPath, "-o", fixture.File("x.imp"), "--sign-key", fixture.SigningKeyPath, "--max-count", "0");
        result.ExitCode.ShouldBe(1);
        var lines = result.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines.ShouldContain("error: imprint.yaml: restrictions.maxCount is 0 but must be at least 1.");
        lines.ShouldContain(l => l.StartsWith("error: imprint.yaml: dynamic[0].address places slot 'mac' over firmware from ", StringComparison.Ordinal));
        File.Exists(fixture.File("x.imp")).ShouldBeFalse();
    }

    [Fact]
    public async Task Build_BadOverrideDate_NamesTheOption()
    {
        using var fixture = await ProjectCliFixture.CreateAsync();
        var result = await fixture.RunAsync("build", fixture.ProjectPath, "-o", fixture.File("x.imp"), "--valid-until", "next week");
        result.ExitCode.ShouldBe(1);
        result.StdErr.ShouldBe("error: --valid-until: 'next week' is not a date (2025-06-30) or a date and time (2025-06-30T17:00:00Z).\n");
    }

    [Fact]
    public async Task Build_MissingProject_FailsClearly()
    {
        using var fixture = await ProjectCliFixture.CreateAsync();
        var result = await fixture.RunAsync("build", fixture.File("nope.yaml"), "-o", fixture.File("x.imp"));
        result.ExitCode.ShouldBe(1);
        result.StdErr.ShouldBe($"error: {fixture.File("nope.yaml")}: no such project file.\n");
    }
}
