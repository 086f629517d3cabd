using System.IO.Compression;
using System.Text;
using Imprint.Devices;
using Imprint.Images;
using Imprint.Keys;
using Imprint.Projects;

namespace Imprint.Tests.Projects;

public sealed class ObjectBundleTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly ProjectFolder _folder = new();

    public ObjectBundleTests()
    {
        Directory.CreateDirectory(_folder.File("fw"));
        Directory.CreateDirectory(_folder.File("test"));
        _folder.Hex("fw/app.hex", 0, ProjectFolder.Bytes(2048));
        _folder.Bin("fw/calib.bin", ProjectFolder.Bytes(32, 0x80));
        _folder.Hex("test/selftest.hex", 0x20000000, ProjectFolder.Bytes(128, 0x40));
        _folder.Write("""
            name: bundled
            device: LM3S6965
            firmware:
              - fw/app.hex
              - { path: fw/calib.bin, format: bin, base: 0x3E000 }
            serials: [{ name: sn, address: 0x3F000, width: 4 }]
            script:
              - program
              - program-serial: sn
              - run-test: { path: test/selftest.hex, breakpoint: 0x20000040 }
              - run-test: { path: test/selftest.hex, breakpoint: 0x20000050 }
            restrictions: { maxCount: 100 }
            """);
    }

    public void Dispose() => _folder.Dispose();

    private Project Project => ProjectReader.Load(_folder.File("imprint.yaml"));

    private string BundlePath => _folder.File("p.impobj");

    private Task<BundleManifest> WriteBundleAsync() =>
        ObjectBundle.WriteAsync(Project, DeviceCatalog.BuiltIn, BundlePath, new FixedTime(Now));

    [Fact]
    public async Task Write_RecordsEveryInputOnceWithItsHash()
    {
        var manifest = await WriteBundleAsync();
        manifest.Version.ShouldBe(ObjectBundle.FormatVersion);
        manifest.CreatedAt.ShouldBe(Now);
        manifest.ProjectName.ShouldBe("bundled");
        manifest.ProjectFile.ShouldBe("imprint.yaml");
        manifest.DeviceName.ShouldBe("LM3S6965");
        manifest.Files.Select(f => (f.Field, f.Path, f.Entry)).ShouldBe([
            ("firmware[0].path", "fw/app.hex", "inputs/0/app.hex"),
            ("firmware[1].path", "fw/calib.bin", "inputs/1/calib.bin"),
            ("script[2].path", "test/selftest.hex", "inputs/2/selftest.hex")]);
        manifest.Files[1].Length.ShouldBe(32);
        manifest.Files[1].Sha256.ShouldBe(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(ProjectFolder.Bytes(32, 0x80))));

        await using var zip = await ZipFile.OpenReadAsync(BundlePath);
        zip.Entries.Select(e => e.FullName).Order(StringComparer.Ordinal).ShouldBe([
            "device.yaml", "imprint-bundle.json", "inputs/0/app.hex", "inputs/1/calib.bin", "inputs/2/selftest.hex", "project/imprint.yaml"]);
    }

    [Fact]
    public async Task Open_ResolvesToTheSameSpecAndSectionsAsTheProject()
    {
        var direct = await Project.ResolveAsync(DeviceCatalog.BuiltIn);
        await WriteBundleAsync();

        // The inputs are gone from disk: the bundle alone must be enough.
        Directory.Delete(_folder.File("fw"), recursive: true);
        Directory.Delete(_folder.File("test"), recursive: true);
        var opened = await ObjectBundle.OpenAsync(BundlePath);
        var fromBundle = await opened.ResolveAsync();

        ManifestJson.SerializeSpec(fromBundle.Spec).ShouldBe(ManifestJson.SerializeSpec(direct.Spec));
        fromBundle.Sections.Select(s => (s.Name, s.Kind, s.Address, Convert.ToHexString(s.Data.Span)))
            .ShouldBe(direct.Sections.Select(s => (s.Name, s.Kind, s.Address, Convert.ToHexString(s.Data.Span))));
        opened.Project.DisplayName.ShouldBe("p.impobj/imprint.yaml");
    }

    [Fact]
    public async Task BuildTwiceFromABundle_GivesIdenticalProgrammingContentAndNewIds()
    {
        await WriteBundleAsync();
        using var signing = SigningKey.Create();
        var build = new BuildInfo(Now, "imprint test", "tests");
        var ids = new List<ImageId>();
        var images = new List<ProgrammingImage>();
        for (int i = 0; i < 2; i++)
        {
            var opened = await ObjectBundle.OpenAsync(BundlePath);
            var (spec, sections) = await opened.ResolveAsync();
            string path = _folder.File($"image{i}.imp");
            ids.Add(await ImageWriter.WriteAsync(new ImageContent(spec, sections, build), path, signing));
            images.Add(await ImageReader.OpenAsync(path, new KeyRing()));
        }

        ids[0].ShouldNotBe(ids[1]);
        images[0].Id.ShouldBe(ids[0]);
        images[1].Id.ShouldBe(ids[1]);
        ManifestJson.SerializeSpec(images[1].Spec).ShouldBe(ManifestJson.SerializeSpec(images[0].Spec));
        images[1].Firmware.ToFlatArray(0).ShouldBe(images[0].Firmware.ToFlatArray(0));
        images[1].Sections.Select(s => Convert.ToHexString(s.Data.Span)).ShouldBe(images[0].Sections.Select(s => Convert.ToHexString(s.Data.Span)));
    }

    [Fact]
    public async Task Open_WithOverrides_RebuildsAsAJobWithOtherRestrictions()
    {
        await WriteBundleAsync();
        var opened = await ObjectBundle.OpenAsync(BundlePath);
        var job = new ProjectOverrides(ImageType.Job, MaxCount: 10, Account: "acme", Factory: "line-2", CloudUrl: "https://cloud.example").ApplyTo(opened.Project);
        var resolved = await (opened with { Project = job }).ResolveAsync();
        resolved.Spec.Type.ShouldBe(ImageType.Job);
        resolved.Spec.Binding.ShouldBe(new CloudBinding("acme", "line-2", "https://cloud.example"));
        resolved.Spec.Restrictions.MaxCount.ShouldBe(10);

        var ex = await Should.ThrowAsync<ProjectException>(() => (opened with { Project = opened.Project with { Type = ImageType.Job } }).ResolveAsync());
        ex.Message.ShouldBe("p.impobj/imprint.yaml: cloud is required for a job image; give the account, factory and url it is bound to.");
    }

    [Fact]
    public async Task Write_InvalidProject_WritesNothing()
    {
        File.Delete(_folder.File("fw/calib.bin"));
        var ex = await Should.ThrowAsync<ProjectException>(WriteBundleAsync);
        ex.Errors.Single().FieldPath.ShouldBe("firmware[1].path");
        File.Exists(BundlePath).ShouldBeFalse();
        Directory.GetFiles(_folder.Path).ShouldNotContain(f => f.EndsWith(".tmp", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Open_TamperedInput_IsRefused()
    {
        await WriteBundleAsync();
        await RewriteEntryAsync("inputs/1/calib.bin", bytes => bytes[5] ^= 1);
        var ex = await Should.ThrowAsync<BundleException>(() => ObjectBundle.OpenAsync(BundlePath));
        ex.Message.ShouldBe("p.impobj: entry 'inputs/1/calib.bin' does not match the length and SHA-256 its manifest records; the bundle is damaged.");
    }

    [Fact]
    public async Task Open_MissingEntry_IsRefused()
    {
        await WriteBundleAsync();
        await using (var zip = await ZipFile.OpenAsync(BundlePath, ZipArchiveMode.Update))
        {
            zip.GetEntry("inputs/0/app.hex")!.Delete();
        }

        var ex = await Should.ThrowAsync<BundleException>(() => ObjectBundle.OpenAsync(BundlePath));
        ex.Message.ShouldBe("p.impobj is damaged: entry 'inputs/0/app.hex' is missing.");
    }

    [Fact]
    public async Task Open_NewerFormatVersion_IsRefused()
    {
        await WriteBundleAsync();
        await RewriteEntryAsync(ObjectBundle.ManifestEntry, bytes => Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(bytes).Replace("\"version\": 1", "\"version\": 7", StringComparison.Ordinal)));
        var ex = await Should.ThrowAsync<BundleException>(() => ObjectBundle.OpenAsync(BundlePath));
        ex.Message.ShouldBe("p.impobj is bundle format version 7; this tool reads version 1 and older.");
    }

    [Fact]
    public async Task Open_NotAZip_IsRefused()
    {
        File.WriteAllText(BundlePath, "name: not a bundle\n");
        var ex = await Should.ThrowAsync<BundleException>(() => ObjectBundle.OpenAsync(BundlePath));
        ex.Message.ShouldBe("p.impobj is not an object bundle (not a zip archive).");
    }

    [Fact]
    public async Task Open_ZipWithoutManifest_IsRefused()
    {
        await using (var zip = await ZipFile.OpenAsync(BundlePath, ZipArchiveMode.Create))
        {
            zip.CreateEntry("readme.txt");
        }

        var ex = await Should.ThrowAsync<BundleException>(() => ObjectBundle.OpenAsync(BundlePath));
        ex.Message.ShouldBe("p.impobj is not an object bundle (it has no imprint-bundle.json).");
    }

    [Fact]
    public async Task Open_TruncatedFile_IsABundleError()
    {
        await WriteBundleAsync();
        var bytes = await File.ReadAllBytesAsync(BundlePath);
        await File.WriteAllBytesAsync(BundlePath, bytes[..(bytes.Length / 2)]);
        await Should.ThrowAsync<BundleException>(() => ObjectBundle.OpenAsync(BundlePath));
    }

    private async Task RewriteEntryAsync(string entryName, Func<byte[], byte[]> change)
    {
        await using var zip = await ZipFile.OpenAsync(BundlePath, ZipArchiveMode.Update);
        var entry = zip.GetEntry(entryName)!;
        byte[] bytes;
        await using (var read = await entry.OpenAsync())
        using (var buffer = new MemoryStream())
        {
            await read.CopyToAsync(buffer);
            bytes = buffer.ToArray();
        }

        entry.Delete();
        await using var write = await zip.CreateEntry(entryName).OpenAsync();
        await write.WriteAsync(change(bytes));
    }

    private async Task RewriteEntryAsync(string entryName, Action<byte[]> change) =>
        await RewriteEntryAsync(entryName, bytes =>
        {
            change(bytes);
            return bytes;
        });

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
