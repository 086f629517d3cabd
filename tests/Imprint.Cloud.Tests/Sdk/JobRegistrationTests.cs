using Imprint.Images;
using Imprint.Keys;
using Imprint.Projects;
using Imprint.Sdk.Cloud;
using Imprint.Testing;
using Imprint.Testing.Images;
using Imprint.Tests.Support;

namespace Imprint.Tests.Sdk;

public sealed class JobRegistrationTests(SqliteCloudFixture fixture) : CloudApiTests(fixture), IClassFixture<SqliteCloudFixture>
{
    [Fact]
    public async Task FromImage_RegistersMetadata_ThenUploadsTheSameFile()
    {
        var (owner, account) = await Host.NewAccountAsync();
        using var dir = new TempDirectory();
        using var signer = SigningKey.Create();
        var key = EncryptionKey.Create("customer-a");
        var path = dir.File("job.imp");
        await ImageWriter.WriteAsync(ImageSamples.Content(ImageType.Job), path, signer, key);
        var image = await ImageReader.OpenAsync(path, new KeyRing([key]));

        var request = JobRegistration.FromImage(image, account.DefaultFactory.Id);
        var job = await owner.RegisterJobAsync(request);
        job.ImageId.ShouldBe(image.Id.ToString());
        job.ImageSha256.ShouldBe(image.Sha256Hex);
        job.Name.ShouldBe(image.Spec.Name);
        job.Device.ShouldBe(image.Spec.Device.Name);
        job.Serials.Select(s => s.Pool).ShouldBe(image.Spec.Serials.Select(s => s.Pool));
        job.Encrypted.ShouldBeTrue();
        await using var file = File.OpenRead(path);
        (await owner.UploadJobImageAsync(job.Id, file)).HasImage.ShouldBeTrue();
    }

    [Fact]
    public async Task FromImage_SapImage_IsRefused()
    {
        using var dir = new TempDirectory();
        using var signer = SigningKey.Create();
        var path = dir.File("sap.imp");
        await ImageWriter.WriteAsync(ImageSamples.Content(ImageType.Sap), path, signer);
        var image = await ImageReader.OpenAsync(path, new KeyRing([]));
        Should.Throw<ImprintException>(() => JobRegistration.FromImage(image, "fac_x")).Message.ShouldContain("only JOB images are registered");
    }
}
