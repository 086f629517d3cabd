using Imprint.Images;
using Imprint.Keys;
using Imprint.Memory;
using Imprint.Projects;
using Imprint.Targets.Virtual;

namespace Imprint.Tests.Support;

/// <summary>Writes real signed (optionally encrypted) image files with the image library's writer.</summary>
internal static class ImageFactory
{
    public static async Task<string> WriteAsync(
        string path, ProgrammingSpec spec, SigningKey signer, EncryptionKey? key = null, MemoryImage? firmware = null, byte[]? testCode = null)
    {
        var sections = new List<ImageSection>(ImageSection.FromFirmware(firmware ?? TestImages.Firmware()));
        if (spec.Script.Any(s => s.Test is not null))
        {
            sections.Add(new ImageSection(TestImages.TestSection, SectionKind.TestCode, TestDevices.TestRam, testCode ?? VirtualTestProgram.Pass()));
        }

        var content = new ImageContent(spec, sections, new BuildInfo(DateTimeOffset.UnixEpoch, "imprint tests", "tests"));
        await ImageWriter.WriteAsync(content, path, signer, key);
        return path;
    }
}
