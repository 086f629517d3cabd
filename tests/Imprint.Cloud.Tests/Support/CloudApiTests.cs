using System.Net;
using System.Security.Cryptography;
using Imprint.Images;
using Imprint.Keys;
using Imprint.Projects;
using Imprint.Sdk.Cloud;
using Imprint.Testing;
using Imprint.Testing.Images;

namespace Imprint.Tests.Support;

/// <summary>
/// Base of the API suites. Each suite is abstract and runs twice, through a sealed subclass per
/// engine (SQLite, PostgreSQL); every test creates its own account, so tests never share data.
/// </summary>
public abstract class CloudApiTests(CloudFixture fixture)
{
    internal CloudFixture Fixture { get; } = fixture;

    internal CloudTestHost Host => Fixture.Host;

    internal static string Sha(string text) => Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text)));

    internal static SerialDefinition Serial(string name = "sn", string pool = "main", ulong start = 1000, ulong step = 1) =>
        new(name, pool, 0x0800_FC00, 4, SerialEncoding.BinaryLittleEndian, start, step, null);

    internal static async Task<JobView> RegisterJobAsync(
        CloudClient owner, string factoryId, long? maxCount = null, IReadOnlyList<SerialDefinition>? serials = null, bool encrypted = true,
        bool burn = false, long? cap = null, bool allStations = true, IReadOnlyList<string>? stationIds = null, string? image = null)
    {
        image ??= "img-" + Guid.NewGuid().ToString("N")[..12];
        return await owner.RegisterJobAsync(new RegisterJobRequest(
            factoryId, image, "Blinky " + image, "LED blinker, production build", "STM32F103C8", Sha(image),
            serials ?? [Serial()], new JobRestrictions(maxCount, PerStationCap: cap),
            new Dictionary<string, string> { ["tool"] = "imprint 0.1.0", ["host"] = "build-01" },
            encrypted, burn, allStations, stationIds));
    }

    internal static ProgrammingRecord Record(SignedGrant grant, int unit, bool success = true, string? id = null, DateTimeOffset? at = null)
    {
        var finished = at ?? grant.Grant.IssuedAt.AddSeconds(3);
        return new ProgrammingRecord(
            id ?? Guid.NewGuid().ToString(), grant.Grant.Id, unit, finished.AddMilliseconds(-1500), finished,
            success ? UnitResult.Success : UnitResult.Failure,
            success ? null : "verify#3", success ? null : "Verify failed at 0x08000400.",
            new Dictionary<string, string> { ["uid"] = "0123456789ABCDEF01234567" },
            [new TestResult("selftest", success ? 0 : 7, success)],
            new Dictionary<string, string> { ["mac"] = "0200AABBCC0" + unit },
            new Dictionary<string, long> { ["erase"] = 300, ["program"] = 900 });
    }

    internal static async Task<CloudApiException> Refused(Func<Task> call, HttpStatusCode status, string? messageContains = null)
    {
        var ex = await Should.ThrowAsync<CloudApiException>(call);
        ex.Status.ShouldBe(status, ex.Message);
        if (messageContains is not null)
        {
            ex.Message.ShouldContain(messageContains);
        }

        return ex;
    }

    internal static long[] Values(SignedGrant grant, string name = "sn") =>
        grant.Grant.Units.Select(u => u.Serials.Single(s => s.Name == name).Value).ToArray();

    /// <summary>Writes a real image (signed; encrypted with a customer key when asked) and returns its bytes, id and SHA-256.</summary>
    internal static async Task<(byte[] Bytes, string Id, string Sha)> WriteImageAsync(ImageType type, bool encrypted)
    {
        using var dir = new TempDirectory();
        using var signer = SigningKey.Create();
        var path = dir.File("image.imp");
        var id = await ImageWriter.WriteAsync(ImageSamples.Content(type), path, signer, encrypted ? EncryptionKey.Create("customer-a") : null);
        var bytes = await File.ReadAllBytesAsync(path);
        return (bytes, id.ToString(), Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes)));
    }
}
