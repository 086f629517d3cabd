namespace Imprint.Images.Internal;

/// <summary>
/// Writes a file so that readers see either the old content or the complete new content:
/// a temporary file in the same folder, flushed to disk, then renamed over the target.
/// </summary>
internal static class AtomicFile
{
    public static void Write(string path, UnixFileMode? mode, Action<FileStream> write)
    {
        var temp = TempPathFor(path);
        try
        {
            using (var stream = Create(temp, mode))
            {
                write(stream);
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

    public static async Task WriteAsync(string path, UnixFileMode? mode, Func<FileStream, Task> write)
    {
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

    private static string TempPathFor(string path)
    {
        var full = Path.GetFullPath(path);
        var folder = Path.GetDirectoryName(full) ?? ".";
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
