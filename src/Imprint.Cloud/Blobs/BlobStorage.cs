namespace Imprint.Cloud.Blobs;

/// <summary>Where uploaded image blobs are kept (<c>imprint cloud serve --blobs</c>).</summary>
public enum BlobStorage
{
    /// <summary>Files in a folder (<see cref="CloudOptions.BlobDirectory"/>); the default. Several instances need the folder shared.</summary>
    FileSystem,

    /// <summary>Chunked rows in the cloud's database (<c>--blobs db</c>): every instance on the same database serves every blob.</summary>
    Database,
}
