using System.Security.Cryptography;
using Imprint.Station;
using Imprint.Station.Identity;
using Imprint.Testing;
using Imprint.Tests.Support;

namespace Imprint.Tests.Identity;

public sealed class StationIdentityTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task CreatedOnFirstUse_StableAfterwards_AndSignsWithItsKey()
    {
        var directory = new StationDirectory(_temp.File("st"));
        using var first = await StationIdentity.LoadOrCreateAsync(directory, new FakeTimeProvider());
        using var again = await StationIdentity.LoadOrCreateAsync(directory, new FakeTimeProvider());

        again.Id.ShouldBe(first.Id);
        again.Fingerprint.ShouldBe(first.Fingerprint);
        first.Id.ShouldStartWith("st-");
        if (!OperatingSystem.IsWindows()) File.GetUnixFileMode(directory.IdentityKeyPath).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite);
        using var verifier = ECDsa.Create();
        verifier.ImportSubjectPublicKeyInfo(first.PublicKey, out _);
        verifier.VerifyData("unit"u8, again.Sign("unit"u8), HashAlgorithmName.SHA256).ShouldBeTrue();
    }

    [Fact]
    public async Task KeyThatDoesNotMatchThePublicFile_IsRefused()
    {
        var directory = new StationDirectory(_temp.File("st"));
        (await StationIdentity.LoadOrCreateAsync(directory, new FakeTimeProvider())).Dispose();
        using var other = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        await File.WriteAllTextAsync(directory.IdentityKeyPath, other.ExportPkcs8PrivateKeyPem());

        var ex = await Should.ThrowAsync<StationException>(() => StationIdentity.LoadOrCreateAsync(directory, new FakeTimeProvider()));

        ex.Message.ShouldBe($"{directory.IdentityKeyPath} does not match the public key in {directory.IdentityPath}.");
    }
}
