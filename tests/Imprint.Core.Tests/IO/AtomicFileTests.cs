using Imprint.IO;
using Imprint.Testing;

namespace Imprint.Tests.IO;

public sealed class AtomicFileTests
{
    [Fact]
    public async Task WriteAsync_MissingFolder_IsCreated()
    {
        using var temp = new TempDirectory();
        var path = Path.Combine(temp.Path, "keys", "line.key");

        await AtomicFile.WriteAsync(path, "secret"u8.ToArray(), AtomicFile.OwnerOnly);

        (await File.ReadAllTextAsync(path)).ShouldBe("secret");
        if (!OperatingSystem.IsWindows()) File.GetUnixFileMode(path).ShouldBe(AtomicFile.OwnerOnly);
    }

    [Fact]
    public void Write_FailurePartWay_KeepsThePreviousFileAndLeavesNoTemp()
    {
        using var temp = new TempDirectory();
        var path = temp.File("out.bin");
        File.WriteAllText(path, "old");

        Should.Throw<InvalidOperationException>(() => AtomicFile.Write(path, null, stream =>
        {
            stream.Write("half"u8);
            throw new InvalidOperationException("writer failed");
        }));

        File.ReadAllText(path).ShouldBe("old");
        Directory.GetFiles(temp.Path).ShouldBe(new[] { path });
    }
}
