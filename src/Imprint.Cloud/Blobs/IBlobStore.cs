namespace Imprint.Cloud.Blobs;

/// <summary>
/// Keeps the encrypted image blobs stations download. An upload is first received into a local
/// staging file (hashed and checked there), then stored under an id in one step: a cut or refused
/// upload never becomes visible.
/// </summary>
public interface IBlobStore
{
    /// <summary>Gets where blobs go, for the startup log (no secrets).</summary>
    string Description { get; }

    /// <summary>Receives a request body into a staging file while hashing it; refuses more than <paramref name="maxBytes"/>.</summary>
    /// <param name="body">The request body.</param>
    /// <param name="maxBytes">The largest body accepted.</param>
    /// <param name="ct">Cancels the copy; the staging file is then deleted.</param>
    Task<StagedBlob> ReceiveAsync(Stream body, long maxBytes, CancellationToken ct);

    /// <summary>Stores a staged blob under <paramref name="id"/>, replacing a blob with that id, atomically.</summary>
    /// <param name="id">The blob id (<c>ACCOUNT/JOB/SHA256.imp</c>).</param>
    /// <param name="blob">The staged upload; the store may move its file.</param>
    /// <param name="ct">Cancels the store; nothing of the blob is then kept.</param>
    Task StoreAsync(string id, StagedBlob blob, CancellationToken ct);

    /// <summary>Opens a blob for reading, or returns <see langword="null"/> when the store has no blob with that id.</summary>
    /// <param name="id">The blob id.</param>
    /// <param name="ct">Cancels the lookup.</param>
    Task<Stream?> OpenAsync(string id, CancellationToken ct);
}
