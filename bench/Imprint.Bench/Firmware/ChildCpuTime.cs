using System.Runtime.InteropServices;

namespace Imprint.Bench.Firmware;

/// <summary>
/// CPU time (user + system) of finished child processes, from getrusage(RUSAGE_CHILDREN): on a
/// shared machine CPU time is far steadier than wall time, so the benchmark reports both.
/// </summary>
internal static partial class ChildCpuTime
{
    private const int RusageChildren = -1;

    /// <summary>Returns the CPU time of all waited-for children so far, or null off Linux/macOS.</summary>
    public static TimeSpan? Total()
    {
        if (OperatingSystem.IsWindows()) return null;
        if (NativeMethods.getrusage(RusageChildren, out var usage) != 0) return null;
        long micros = ((usage.UserSeconds + usage.SystemSeconds) * 1_000_000) + usage.UserMicroseconds + usage.SystemMicroseconds;
        return TimeSpan.FromMicroseconds(micros);
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct RUsage
    {
        public long UserSeconds;
        public long UserMicroseconds;
        public long SystemSeconds;
        public long SystemMicroseconds;
        public long MaxRss, IxRss, IdRss, IsRss, MinFlt, MajFlt, NSwap, InBlock, OuBlock, MsgSnd, MsgRcv, NSignals, NVcsw, NIvcsw;
    }

    private static class NativeMethods
    {
        [DllImport("libc", SetLastError = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern int getrusage(int who, out RUsage usage);
    }
}
