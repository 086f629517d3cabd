using System.Text;
using Imprint.Devices;
using Imprint.Projects;

namespace Imprint.Tests.Projects;

/// <summary>
/// Seeded mutations of a valid project: every outcome must be a project or a typed
/// <see cref="ImprintException"/>, never a crash or a BCL exception.
/// </summary>
public sealed class ProjectReaderFuzzTests
{
    private static readonly string[] Fragments =
        ["\n", " ", "  ", "\t", ":", "- ", "[", "]", "{", "}", ",", "#", "&a ", "*a", "!!str ", "'", "\"", "|", ">", "? ", "---\n", "...\n",
         "0x", "0xFFFFFFFFFFFFFFFF", "-1", "99999999999999999999", "1e9", "~", "null", "true", "é", "\u0000", "\uFEFF", "%YAML 1.2\n",
         "script:", "serials:", "program-serial: x", "erase: { mode: range }", "width: 0", "address: 0x3F000"];

    [Fact]
    public async Task MutatedProjects_FailOnlyWithTypedErrors()
    {
        var random = new Random(20250301);
        byte[] original = Encoding.UTF8.GetBytes(ProjectReaderTests.FullExample);
        int parsed = 0, refused = 0;
        for (int i = 0; i < 2000; i++)
        {
            byte[] mutated = Mutate(original, random);
            try
            {
                var project = ProjectReader.Parse(Encoding.UTF8.GetString(mutated), "/nonexistent/imprint.yaml");
                parsed++;
                await project.ResolveAsync(DeviceCatalog.BuiltIn);
            }
            catch (ImprintException)
            {
                refused++;
            }
            catch (Exception ex)
            {
                throw new InvalidOperationException($"mutation {i} escaped with {ex.GetType().Name}: {ex.Message}\n---\n{Encoding.UTF8.GetString(mutated)}", ex);
            }
        }

        // The mutations must exercise both paths, or the test proves little.
        parsed.ShouldBeGreaterThan(50);
        refused.ShouldBeGreaterThan(700);
    }

    [Fact]
    public void MutatedProjects_ReportOneSentencePerError()
    {
        var random = new Random(7);
        byte[] original = Encoding.UTF8.GetBytes(ProjectReaderTests.FullExample);
        for (int i = 0; i < 500; i++)
        {
            try
            {
                ProjectReader.Parse(Encoding.UTF8.GetString(Mutate(original, random)), "/nonexistent/imprint.yaml");
            }
            catch (ProjectException ex)
            {
                foreach (var line in ex.Lines())
                {
                    line.ShouldStartWith("imprint.yaml: ");
                    line.ShouldEndWith(".");
                    line.ShouldNotContain("\n");
                }
            }
        }
    }

    private static byte[] Mutate(byte[] input, Random random)
    {
        var bytes = new List<byte>(input);
        int count = random.Next(1, 5);
        for (int m = 0; m < count && bytes.Count > 0; m++)
        {
            int at = random.Next(bytes.Count);
            switch (random.Next(6))
            {
                case 0:
                    bytes[at] ^= (byte)(1 << random.Next(8));
                    break;
                case 1:
                    bytes.RemoveRange(at, Math.Min(bytes.Count - at, random.Next(1, 40)));
                    break;
                case 2:
                    bytes.InsertRange(at, Encoding.UTF8.GetBytes(Fragments[random.Next(Fragments.Length)]));
                    break;
                case 3:
                    int from = random.Next(bytes.Count), length = Math.Min(bytes.Count - from, random.Next(1, 120));
                    bytes.InsertRange(at, bytes.GetRange(from, length));
                    break;
                case 4:
                    bytes.RemoveRange(at, bytes.Count - at);
                    break;
                default:
                    bytes[at] = (byte)random.Next(256);
                    break;
            }
        }

        return [.. bytes];
    }
}
