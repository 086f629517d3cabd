namespace Imprint.Cloud.Blobs;

/// <summary>
/// Blobs as files under one folder (the default store). Uploads are staged in its <c>tmp</c>
/// subfolder, on the same file system, so storing is a rename: atomic, and nothing is copied.
/// </summary>
public sealed class FileBlobStore(string root) : IBlobStore
{
    public string Root { get; } = Path.GetFullPath(root);

    public string Description => "folder " + Root;

    public Task<StagedBlob> ReceiveAsync(Stream body, long maxBytes, CancellationToken ct) =>
        StagedBlob.ReceiveAsync(body, Path.Combine(Root, "tmp"), maxBytes, ct);

    public Task StoreAsync(string id, StagedBlob blob, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(blob);
        var full = FullPath(id);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.Move(blob.Path, full, overwrite: true);
        return Task.CompletedTask;
    }

    public Task<Stream?> OpenAsync(string id, CancellationToken ct)
    {
        try
        {
            return Task.FromResult<Stream?>(new FileStream(FullPath(id), FileMode.Open, FileAccess.Read, FileShare.Read, 81920, useAsync: true));
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return Task.FromResult<Stream?>(null);
        }
    }

    private string FullPath(string id)
    {
        var full = Path.GetFullPath(Path.Combine(Root, id));
        // Ids are built from the cloud's own ids and a hex hash; this only guards against a bug.
        if (!full.StartsWith(Root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            throw new ArgumentException($"Blob id '{id}' leaves the blob folder.", nameof(id));
        }

        return full;
    }
}
