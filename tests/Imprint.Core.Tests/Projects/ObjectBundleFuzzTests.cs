using Imprint.Devices;
using Imprint.Projects;

namespace Imprint.Tests.Projects;

/// <summary>Seeded byte mutations of a real bundle: opening one fails only with typed errors.</summary>
public sealed class ObjectBundleFuzzTests : IDisposable
{
    private readonly ProjectFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task MutatedBundles_FailOnlyWithTypedErrors()
    {
        _folder.Hex("app.hex", 0, ProjectFolder.Bytes(4096));
        var project = _folder.Write("name: f\ndevice: LM3S6965\nfirmware: [app.hex]\nscript: [program, verify]\n");
        string bundle = _folder.File("p.impobj");
        await ObjectBundle.WriteAsync(project, DeviceCatalog.BuiltIn, bundle);
        byte[] original = await File.ReadAllBytesAsync(bundle);

        var random = new Random(42);
        string mutatedPath = _folder.File("m.impobj");
        int opened = 0;
        for (int i = 0; i < 250; i++)
        {
            byte[] mutated = (byte[])original.Clone();
            for (int m = random.Next(1, 4); m > 0; m--) mutated[random.Next(mutated.Length)] ^= (byte)(1 << random.Next(8));
            if (random.Next(8) == 0) mutated = mutated[..random.Next(mutated.Length)];
            await File.WriteAllBytesAsync(mutatedPath, mutated);
            try
            {
                var result = await ObjectBundle.OpenAsync(mutatedPath);
                await result.ResolveAsync();
                opened++;
            }
            catch (ImprintException)
            {
            }
            catch (Exception ex)
            {
                throw new InvalidOperationException($"mutation {i} escaped with {ex.GetType().Name}: {ex.Message}", ex);
            }
        }

        opened.ShouldBeLessThan(250);
    }
}
