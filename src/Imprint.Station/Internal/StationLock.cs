namespace Imprint.Station.Internal;

/// <summary>
/// An exclusive lock on the station folder, held by the one process that programs. The
/// operating system drops it when the process dies (even by SIGKILL), so a restarted station
/// can tell a dead owner's reservations from a live one's.
/// </summary>
internal sealed class StationLock : IDisposable
{
    private readonly FileStream _stream;

    private StationLock(FileStream stream) => _stream = stream;

    public static StationLock Acquire(StationDirectory directory)
    {
        try
        {
            // FileShare.None takes an exclusive advisory lock (flock) on Unix.
            var stream = new FileStream(directory.LockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);

            // The locked file cannot be read by others: the owner's pid goes beside it, for messages only.
            File.WriteAllText(PidPath(directory), Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture) + "\n");
            return new StationLock(stream);
        }
        catch (IOException ex)
        {
            string owner = "";
            try { owner = File.ReadAllText(PidPath(directory)).Trim(); } catch (IOException) { }
            var who = owner.Length > 0 ? $" (pid {owner})" : "";
            throw new StationException($"station directory {directory.Path} is in use by another process{who}; stop it or use another --station-dir.", ex);
        }
    }

    public void Dispose() => _stream.Dispose();

    private static string PidPath(StationDirectory directory) => directory.LockPath + ".pid";
}
