using Imprint.Devices;

namespace Imprint.Targets;

/// <summary>What a session knows about its target and debug server.</summary>
/// <param name="Url">The target URL the session was opened with.</param>
/// <param name="Device">The device description the session programs against.</param>
/// <param name="ServerFlash">Whether the server writes flash itself (GDB <c>vFlash</c> packets).</param>
/// <param name="ServerCrc">Whether the server computes CRCs (GDB <c>qCRC</c>).</param>
/// <param name="MaxPacketSize">The largest packet the server accepts, in bytes (0 in process).</param>
public sealed record TargetInfo(Uri Url, Device Device, bool ServerFlash, bool ServerCrc, int MaxPacketSize);

/// <summary>Progress of one target operation.</summary>
/// <param name="Operation">What is running: <c>erase</c>, <c>program</c> or <c>verify</c>.</param>
/// <param name="Done">Bytes done.</param>
/// <param name="Total">Bytes in all.</param>
public readonly record struct TargetProgress(string Operation, long Done, long Total);

/// <summary>Why and where the core stopped.</summary>
/// <param name="Signal">The stop signal (5 for a breakpoint trap).</param>
/// <param name="ProgramCounter">The program counter at the stop.</param>
public sealed record StopEvent(int Signal, ulong ProgramCounter);
