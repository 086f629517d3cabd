namespace Imprint.IO;

/// <summary>
/// Writes files through a temp file in the same folder, renamed over the target only once
/// complete: a failure part-way leaves no half-written output and keeps any previous file.
/// The one way Imprint writes a file a user or a station relies on.
/// </summary>
public static class AtomicFile
{
    /// <summary>Gets the permissions for secrets: read and write for the owner only.</summary>
    public const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>Writes a file by calling <paramref name="write"/> on a temp file, then renames it over <paramref name="path"/>.</summary>
    /// <param name="path">The file to write; its folder is created when missing.</param>
    /// <param name="mode">The Unix permissions to create the file with (for example owner-only for keys), or <see langword="null"/> for the default.</param>
    /// <param name="write">Writes the content.</param>
    /// <param name="flushToDisk">Whether to flush to the disk before the rename, so a power loss keeps either the old or the new file.</param>
    public static void Write(string path, UnixFileMode? mode, Action<FileStream> write, bool flushToDisk = true)
    {
        ArgumentNullException.ThrowIfNull(write);
        var temp = TempPathFor(path);
        try
        {
            using (var stream = Create(temp, mode))
            {
                write(stream);
                if (flushToDisk) stream.Flush(flushToDisk: true);
            }

            File.Move(temp, path, overwrite: true);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    /// <summary>Writes a file by awaiting <paramref name="write"/> on a temp file, then renames it over <paramref name="path"/>, flushed to disk.</summary>
    /// <param name="path">The file to write; its folder is created when missing.</param>
    /// <param name="mode">The Unix permissions to create the file with, or <see langword="null"/> for the default.</param>
    /// <param name="write">Writes the content.</param>
    /// <returns>A task that completes when the file is in place.</returns>
    public static async Task WriteAsync(string path, UnixFileMode? mode, Func<FileStream, Task> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        var temp = TempPathFor(path);
        try
        {
            await using (var stream = Create(temp, mode))
            {
                await write(stream).ConfigureAwait(false);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temp, path, overwrite: true);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    /// <summary>Writes <paramref name="content"/> to <paramref name="path"/> atomically, flushed to disk.</summary>
    /// <param name="path">The file to write; its folder is created when missing.</param>
    /// <param name="content">The bytes.</param>
    /// <param name="mode">The Unix permissions to create the file with, or <see langword="null"/> for the default.</param>
    /// <param name="cancellationToken">Cancels the write (the previous file stays).</param>
    /// <returns>A task that completes when the file is in place.</returns>
    public static Task WriteAsync(string path, ReadOnlyMemory<byte> content, UnixFileMode? mode = null, CancellationToken cancellationToken = default) =>
        WriteAsync(path, mode, stream => stream.WriteAsync(content, cancellationToken).AsTask());

    /// <summary>Copies <paramref name="source"/> to <paramref name="path"/> atomically, flushed to disk.</summary>
    /// <param name="source">The file to copy.</param>
    /// <param name="path">The file to write; its folder is created when missing.</param>
    /// <param name="cancellationToken">Cancels the copy (the previous file stays).</param>
    /// <returns>A task that completes when the copy is in place.</returns>
    public static Task CopyAsync(string source, string path, CancellationToken cancellationToken = default) =>
        WriteAsync(path, null, async to =>
        {
            await using var from = new FileStream(source, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true);
            await from.CopyToAsync(to, cancellationToken).ConfigureAwait(false);
        });

    private static string TempPathFor(string path)
    {
        var full = Path.GetFullPath(path);
        var folder = Path.GetDirectoryName(full) ?? ".";
        Directory.CreateDirectory(folder);
        return Path.Combine(folder, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
    }

    private static FileStream Create(string path, UnixFileMode? mode)
    {
        var options = new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
            Share = FileShare.None,
            // Large writes go straight to the OS; a managed buffer would only add a copy.
            BufferSize = 0,
            Options = FileOptions.Asynchronous,
        };
        if (mode is { } m && !OperatingSystem.IsWindows()) options.UnixCreateMode = m;
        return new FileStream(path, options);
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
