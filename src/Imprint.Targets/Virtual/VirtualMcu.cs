using System.Security.Cryptography;
using System.Text;
using Imprint.Devices;
using Imprint.Targets.Virtual.Internal;

namespace Imprint.Targets.Virtual;

/// <summary>
/// A simulated microcontroller built from a <see cref="Device"/>: every memory region is backed
/// by bytes and follows the rules of its kind (flash erases to its erased value by sector and
/// programming only moves bits away from it; OTP programs once; ROM is read-only), with a
/// unique ID derived from a seed, identification registers, Cortex-M core registers and a
/// halted/running state. It runs no CPU: see <see cref="VirtualTestProgram"/> for what it can "execute".
/// </summary>
/// <remarks>
/// Every member is safe to call from several threads (a GDB server and an in-process session
/// may share one part); each call is atomic with respect to the others.
/// </remarks>
public sealed partial class VirtualMcu
{
    private readonly Lock _gate = new();
    private readonly VirtualRegion[] _regions;
    private readonly (ulong Address, byte[] Bytes)[] _overlays;
    private readonly TimeProvider _time;

    /// <summary>Initializes a new part with erased flash and zeroed RAM, halted at its reset vector.</summary>
    /// <param name="device">The device to simulate.</param>
    /// <param name="seed">The seed the unique ID is derived from: equal seeds give equal IDs.</param>
    /// <param name="faults">Faults to inject, or <see langword="null"/> for none.</param>
    /// <param name="timeProvider">The clock for slow-erase delays, or <see langword="null"/> for the system clock.</param>
    /// <exception cref="TargetException">A memory region of the device is empty or larger than 256 MiB.</exception>
    public VirtualMcu(Device device, ulong seed = 0, VirtualFaults? faults = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(device);
        Device = device;
        Seed = seed;
        Faults = faults ?? VirtualFaults.None;
        _time = timeProvider ?? TimeProvider.System;
        _regions = [.. device.Memory.Select(r => new VirtualRegion(r, device.Name))];

        var overlays = new List<(ulong, byte[])>();
        if (device.UniqueId is { Length: > 0 } uid)
        {
            UniqueId = DeriveBytes($"uid/{device.Name}/{seed}", uid.Length);
            overlays.Add((uid.Address, UniqueId.ToArray()));
        }

        // Identification registers name the part number, not the unit: same for every seed.
        foreach (var register in device.IdRegisters)
        {
            overlays.Add((register.Address, DeriveBytes($"id/{device.Name}/{register.Name}", register.Length)));
        }

        _overlays = [.. overlays];
        ResetCore(halt: true);
    }

    /// <summary>Gets the device this part simulates.</summary>
    public Device Device { get; }

    /// <summary>Gets the seed the unique ID was derived from.</summary>
    public ulong Seed { get; }

    /// <summary>Gets the faults this part injects.</summary>
    public VirtualFaults Faults { get; }

    /// <summary>Gets the unique ID readable at <see cref="Device.UniqueId"/>; empty when the device has none.</summary>
    public ReadOnlyMemory<byte> UniqueId { get; } = ReadOnlyMemory<byte>.Empty;

    /// <summary>Reads memory, including the unique ID and identification registers.</summary>
    /// <param name="address">The first address.</param>
    /// <param name="destination">Receives the bytes.</param>
    /// <exception cref="TargetException">Part of the range is not mapped.</exception>
    public void ReadMemory(ulong address, Span<byte> destination)
    {
        lock (_gate)
        {
            ReadUnlocked(address, destination);
        }
    }

    /// <summary>
    /// Writes memory as a bus write does: RAM, and flash that needs no erase (QEMU-like parts).
    /// Flash that needs an erase, OTP and option bytes refuse it, as OpenOCD refuses <c>M</c> into flash.
    /// </summary>
    /// <param name="address">The first address.</param>
    /// <param name="data">The bytes.</param>
    /// <exception cref="TargetException">Part of the range is unmapped, read-only, write-protected or needs flash programming.</exception>
    public void WriteMemory(ulong address, ReadOnlySpan<byte> data)
    {
        lock (_gate)
        {
            foreach (var (region, at, offset, length) in SplitByRegion(address, data.Length))
            {
                region.Write(at, data.Slice(offset, length));
            }
        }
    }

    /// <summary>
    /// Programs bytes with the rules of each region: flash and option bytes only move bits away
    /// from the erased value (a 1 written over a 0 stays 0 until an erase) and accept whole,
    /// aligned programming units only; OTP units program once; RAM is written plainly.
    /// </summary>
    /// <param name="address">The first address.</param>
    /// <param name="data">The bytes.</param>
    /// <exception cref="TargetException">The range is unmapped, read-only, write-protected, misaligned, or OTP already programmed.</exception>
    public void Program(ulong address, ReadOnlySpan<byte> data)
    {
        lock (_gate)
        {
            foreach (var (region, at, offset, length) in SplitByRegion(address, data.Length))
            {
                region.Program(at, data.Slice(offset, length));
            }

            if (Faults.FlipBitOnProgram is { } flip && flip.Address >= address && flip.Address < address + (ulong)data.Length)
            {
                var region = RegionAt(flip.Address)!;
                region.Slice(flip.Address, 1)[0] ^= (byte)(1 << (flip.Bit & 7));
            }
        }
    }

    /// <summary>Write-protects, or unprotects, every sector that intersects [<paramref name="start"/>, <paramref name="end"/>).</summary>
    /// <param name="start">The first address.</param>
    /// <param name="end">The address just past the range.</param>
    /// <param name="protect">Whether to protect (<see langword="true"/>) or unprotect.</param>
    public void SetWriteProtection(ulong start, ulong end, bool protect)
    {
        lock (_gate)
        {
            foreach (var region in _regions)
            {
                if (region.Region.Start < end && region.Region.End > start) region.SetProtection(start, end, protect);
            }
        }
    }

    /// <summary>Returns whether the sector holding <paramref name="address"/> is write-protected.</summary>
    /// <param name="address">An address.</param>
    /// <returns><see langword="true"/> when writes and erases there are refused.</returns>
    public bool IsWriteProtected(ulong address)
    {
        lock (_gate)
        {
            return RegionAt(address) is { } region && region.IsProtected(address);
        }
    }

    internal VirtualRegion? RegionAt(ulong address)
    {
        foreach (var region in _regions)
        {
            if (region.Contains(address)) return region;
        }

        return null;
    }

    internal IReadOnlyList<VirtualRegion> Regions => _regions;

    private void ReadUnlocked(ulong address, Span<byte> destination)
    {
        ulong cursor = address, end = address + (ulong)destination.Length;
        while (cursor < end)
        {
            int done = (int)(cursor - address);
            if (RegionAt(cursor) is { } region)
            {
                int length = (int)(Math.Min(end, region.Region.End) - cursor);
                region.Slice(cursor, length).CopyTo(destination[done..]);
                cursor += (ulong)length;
                continue;
            }

            // Outside the regions only the identification overlays answer (peripheral space).
            bool found = false;
            foreach (var (at, bytes) in _overlays)
            {
                if (cursor >= at && cursor < at + (ulong)bytes.Length)
                {
                    int length = (int)(Math.Min(end, at + (ulong)bytes.Length) - cursor);
                    bytes.AsSpan((int)(cursor - at), length).CopyTo(destination[done..]);
                    cursor += (ulong)length;
                    found = true;
                    break;
                }
            }

            if (!found) throw Unmapped(cursor);
        }

        // The unique ID may sit inside a ROM region (system memory): it wins there.
        foreach (var (at, bytes) in _overlays)
        {
            ulong from = Math.Max(at, address), to = Math.Min(at + (ulong)bytes.Length, end);
            if (from < to) bytes.AsSpan((int)(from - at), (int)(to - from)).CopyTo(destination[(int)(from - address)..]);
        }
    }

    private List<(VirtualRegion Region, ulong At, int Offset, int Length)> SplitByRegion(ulong address, int length)
    {
        ulong end = address + (ulong)length;

        // Check the whole range first so a refused write changes nothing.
        foreach (var (at, bytes) in _overlays)
        {
            if (at < end && at + (ulong)bytes.Length > address)
            {
                ulong first = Math.Max(at, address);
                throw new TargetException($"0x{first:X8} holds an identification value and is read-only.", address: first);
            }
        }

        var parts = new List<(VirtualRegion, ulong, int, int)>(1);
        for (ulong cursor = address; cursor < end;)
        {
            var region = RegionAt(cursor) ?? throw Unmapped(cursor);
            ulong stop = Math.Min(end, region.Region.End);
            parts.Add((region, cursor, (int)(cursor - address), (int)(stop - cursor)));
            cursor = stop;
        }

        return parts;
    }

    private TargetException Unmapped(ulong address) =>
        new($"0x{address:X8} is not mapped in device {Device.Name}.", address: address);

    private static byte[] DeriveBytes(string label, int length)
    {
        var result = new byte[length];
        for (int block = 0; block * 32 < length; block++)
        {
            var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"imprint-virtual/{label}/{block}"));
            hash.AsSpan(0, Math.Min(32, length - (block * 32))).CopyTo(result.AsSpan(block * 32));
        }

        return result;
    }
}
