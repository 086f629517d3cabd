using System.Text.Json;
using Imprint.Images;
using Imprint.Keys;
using Imprint.Projects;

namespace Imprint.Tests.Commands;

public sealed class BundleCommandTests
{
    [Fact]
    public async Task BundleThenBuildTwice_GivesIdenticalProgrammingContentAndNewIds()
    {
        using var fixture = await ProjectCliFixture.CreateAsync();
        var bundled = await fixture.RunAsync("bundle", fixture.ProjectPath, "-o", fixture.File("p.impobj"));
        bundled.ExitCode.ShouldBe(0, bundled.StdErr);
        bundled.StdOut.ShouldStartWith($"bundled imprint.yaml (lm3s6965-sample, device LM3S6965) and 1 input file into {fixture.File("p.impobj")}");

        var direct = await fixture.RunAsync("build", fixture.ProjectPath, "-o", fixture.File("direct.imp"), "--sign-key", fixture.SigningKeyPath);
        direct.ExitCode.ShouldBe(0, direct.StdErr);

        // The firmware may change or vanish after bundling: the bundle keeps its own copy.
        File.Move(fixture.ProjectPath, fixture.File("moved.yaml"));
        var images = new List<ProgrammingImage> { await ImageReader.OpenAsync(fixture.File("direct.imp"), new KeyRing()) };
        foreach (string name in new[] { "one.imp", "two.imp" })
        {
            var built = await fixture.RunAsync("build", fixture.File("p.impobj"), "-o", fixture.File(name), "--sign-key", fixture.SigningKeyPath, "--json");
            built.ExitCode.ShouldBe(0, built.StdErr);
            JsonDocument.Parse(built.StdOut).RootElement.GetProperty("source").GetString().ShouldBe("bundle");
            images.Add(await ImageReader.OpenAsync(fixture.File(name), new KeyRing()));
        }

        images.Select(i => i.Id).Distinct().Count().ShouldBe(3);
        foreach (var image in images.Skip(1))
        {
            ManifestJson.SerializeSpec(image.Spec).ShouldBe(ManifestJson.SerializeSpec(images[0].Spec));
            image.Firmware.ToFlatArray(0).ShouldBe(images[0].Firmware.ToFlatArray(0));
        }
    }

    [Fact]
    public async Task BuildFromBundle_WithOtherDeploymentSettings_ChangesOnlyThose()
    {
        using var fixture = await ProjectCliFixture.CreateAsync();
        (await fixture.RunAsync("bundle", fixture.ProjectPath, "-o", fixture.File("p.impobj"))).ExitCode.ShouldBe(0);
        var result = await fixture.RunAsync(
            "build", fixture.File("p.impobj"), "-o", fixture.File("job.imp"), "--sign-key", fixture.SigningKeyPath, "--type", "job",
            "--cloud-account", "acme", "--cloud-factory", "f1", "--cloud-url", "https://cloud.example", "--max-count", "250", "--valid-until", "2030-01-31");
        result.ExitCode.ShouldBe(0, result.StdErr);
        var image = await ImageReader.OpenAsync(fixture.File("job.imp"), new KeyRing());
        image.Spec.Type.ShouldBe(ImageType.Job);
        image.Spec.Restrictions.ShouldBe(new Restrictions(250, null, new DateTimeOffset(2030, 2, 1, 0, 0, 0, TimeSpan.Zero).AddTicks(-1)));
        image.Spec.Binding!.AccountId.ShouldBe("acme");
    }

    [Fact]
    public async Task Bundle_BrokenProject_ListsProblemsAndWritesNothing()
    {
        using var fixture = await ProjectCliFixture.CreateAsync();
        string yaml = await File.ReadAllTextAsync(fixture.ProjectPath);
        await File.WriteAllTextAsync(fixture.ProjectPath, yaml.Replace("device: LM3S6965", "device: LM3S9999", StringComparison.Ordinal));
        var result = await fixture.RunAsync("bundle", fixture.ProjectPath, "-o", fixture.File("p.impobj"));
        result.ExitCode.ShouldBe(1);
        result.StdErr.ShouldBe("error: imprint.yaml: device names unknown device 'LM3S9999'; run `imprint device list` to see the catalog.\n");
        File.Exists(fixture.File("p.impobj")).ShouldBeFalse();
    }

    [Fact]
    public async Task Build_DamagedBundle_FailsClearly()
    {
        using var fixture = await ProjectCliFixture.CreateAsync();
        await File.WriteAllTextAsync(fixture.File("p.impobj"), "not a zip");
        var result = await fixture.RunAsync("build", fixture.File("p.impobj"), "-o", fixture.File("x.imp"), "--sign-key", fixture.SigningKeyPath);
        result.ExitCode.ShouldBe(1);
        result.StdErr.ShouldBe("error: p.impobj is not an object bundle (not a zip archive).\n");
    }
}
