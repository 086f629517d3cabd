using Imprint.Devices;
using Imprint.Formats;
using Imprint.Memory;
using Imprint.Projects;
using Imprint.Testing;

namespace Imprint.Tests.Projects;

/// <summary>A temp folder holding a project file and its inputs, for resolve tests.</summary>
internal sealed class ProjectFolder : IDisposable
{
    private readonly TempDirectory _dir = new();

    public string Path => _dir.Path;

    public string File(string name) => _dir.File(name);

    /// <summary>Writes <paramref name="data"/> at <paramref name="address"/> as an Intel HEX file.</summary>
    public string Hex(string name, ulong address, byte[] data)
    {
        var image = new MemoryImage();
        image.Add(address, data, name);
        FirmwareFile.Write(image, File(name), FirmwareFormat.IntelHex);
        return name;
    }

    public string Bin(string name, byte[] data)
    {
        System.IO.File.WriteAllBytes(File(name), data);
        return name;
    }

    public Project Write(string yaml)
    {
        System.IO.File.WriteAllText(File("imprint.yaml"), yaml);
        return ProjectReader.Load(File("imprint.yaml"));
    }

    public Task<ResolvedProject> ResolveAsync(string yaml) => Write(yaml).ResolveAsync(DeviceCatalog.BuiltIn);

    public async Task<ProjectException> FailsAsync(string yaml) =>
        await Should.ThrowAsync<ProjectException>(() => ResolveAsync(yaml));

    public static byte[] Bytes(int count, byte seed = 1) => [.. Enumerable.Range(0, count).Select(i => (byte)(seed + i))];

    public void Dispose() => _dir.Dispose();
}
