using Imprint.Checksums;
using Imprint.Devices;
using Imprint.Memory;
using Imprint.Targets.Gdb.Internal;

namespace Imprint.Targets.Gdb;

/// <summary>Erase, program and verify.</summary>
public sealed partial class GdbTargetSession
{
    // qCRC covers this much per request, so progress moves and a mismatch is found quickly.
    private const int CrcChunk = 64 * 1024;

    /// <inheritdoc/>
    /// <remarks>
    /// With a server flash map, erases every flash region of the map with <c>vFlashErase</c>.
    /// Without one, flash that needs no erase (<see cref="MemoryRegion.RequiresErase"/> false, as
    /// under QEMU) is left alone and reported as erased at once; flash written with memory
    /// writes is filled with its erased value.
    /// </remarks>
    public async Task EraseChipAsync(IProgress<TargetProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        var client = await ReadyAsync(cancellationToken).ConfigureAwait(false);
        if (_memoryMap?.HasFlash == true)
        {
            var flash = _memoryMap.Regions.Where(r => r.Kind == MemoryKind.Flash).ToList();
            long total = flash.Sum(r => (long)r.Length), done = 0;
            progress?.Report(new TargetProgress("erase", 0, total));
            foreach (var region in flash)
            {
                await client.FlashEraseAsync(region.Start, region.Length, _options.LongRequestTimeout, cancellationToken).ConfigureAwait(false);
                _erased.Add(region.Start, region.End);
                done += (long)region.Length;
                progress?.Report(new TargetProgress("erase", done, total));
            }

            await client.FlashDoneAsync(flash[0].Start, _options.LongRequestTimeout, cancellationToken).ConfigureAwait(false);
            return;
        }

        var regions = _device.FlashRegions.ToList();
        if (regions.Count == 0) throw new TargetException($"Device {_device.Name} has no flash to erase.");
        await EraseWithoutMapAsync(client, regions.Select(r => (r, r.Start, r.End)).ToList(), progress, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async Task EraseRangeAsync(ulong start, ulong end, IProgress<TargetProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(start, end);
        var client = await ReadyAsync(cancellationToken).ConfigureAwait(false);
        if (_memoryMap?.HasFlash == true)
        {
            var blocks = FlashBlocks(start, end);
            if (blocks.Count == 0) throw new TargetException($"The server's memory map has no flash between 0x{start:X8} and 0x{end:X8}.", address: start);
            long total = blocks.Sum(b => (long)(b.End - b.Start)), done = 0;
            progress?.Report(new TargetProgress("erase", 0, total));
            foreach (var (from, to) in blocks)
            {
                await client.FlashEraseAsync(from, to - from, _options.LongRequestTimeout, cancellationToken).ConfigureAwait(false);
                _erased.Add(from, to);
                done += (long)(to - from);
                progress?.Report(new TargetProgress("erase", done, total));
            }

            await client.FlashDoneAsync(blocks[0].Start, _options.LongRequestTimeout, cancellationToken).ConfigureAwait(false);
            return;
        }

        var pieces = _device.FlashRegions
            .Where(r => r.Start < end && r.End > start)
            .Select(r => (r, Math.Max(start, r.Start), Math.Min(end, r.End)))
            .ToList();
        if (pieces.Count == 0) throw new TargetException($"Device {_device.Name} has no flash between 0x{start:X8} and 0x{end:X8}.", address: start);
        await EraseWithoutMapAsync(client, pieces, progress, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    /// <remarks>
    /// Flash that the server's memory map marks is erased as needed (sectors not already known
    /// to be erased in this session), written with <c>vFlashWrite</c> and committed with
    /// <c>vFlashDone</c>. Everything else is written with memory writes, which some servers
    /// (QEMU) acknowledge even when they dropped them: verify afterwards.
    /// </remarks>
    public async Task ProgramAsync(MemoryImage image, IProgress<TargetProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(image);
        var client = await ReadyAsync(cancellationToken).ConfigureAwait(false);
        long total = image.TotalBytes, done = 0;
        progress?.Report(new TargetProgress("program", 0, total));
        void Advance(int n)
        {
            done += n;
            progress?.Report(new TargetProgress("program", done, total));
        }

        ulong? flashStarted = null;
        foreach (var (start, data, serverFlash) in Pieces(image))
        {
            ulong end = start + (ulong)data.Length;
            if (!serverFlash)
            {
                await WriteCoreAsync(client, start, data, Advance, cancellationToken).ConfigureAwait(false);
                _erased.Remove(start, end);
                continue;
            }

            if (!_erased.Contains(start, end) && _device.RegionAt(start)?.RequiresErase != false)
            {
                foreach (var (from, to) in FlashBlocks(start, end))
                {
                    if (_erased.Contains(from, to)) continue;
                    await client.FlashEraseAsync(from, to - from, _options.LongRequestTimeout, cancellationToken).ConfigureAwait(false);
                    _erased.Add(from, to);
                }
            }

            flashStarted ??= start;
            int offset = 0;
            while (offset < data.Length)
            {
                ulong at = start + (ulong)offset;
                int count = FitEscaped(data.Span[offset..], MaxBody - GdbClient.FlashWriteHeaderLength(at));
                await client.FlashWriteAsync(at, data.Slice(offset, count), cancellationToken).ConfigureAwait(false);
                offset += count;
                Advance(count);
            }

            _erased.Remove(start, end);
        }

        if (flashStarted is ulong first)
        {
            await client.FlashDoneAsync(first, _options.LongRequestTimeout, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc/>
    public async Task VerifyAsync(MemoryImage image, IProgress<TargetProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(image);
        var client = await ReadyAsync(cancellationToken).ConfigureAwait(false);
        long total = image.TotalBytes, done = 0;
        progress?.Report(new TargetProgress("verify", 0, total));
        var actual = new byte[Math.Max(CrcChunk, ReadChunk)];
        foreach (var segment in image.Segments)
        {
            int offset = 0;
            while (offset < segment.Length)
            {
                ulong at = segment.Start + (ulong)offset;
                var expected = segment.Data.Slice(offset, Math.Min(CrcChunk, segment.Length - offset));
                bool matched = false;
                if (_serverCrc)
                {
                    uint? crc = await TryServerCrcAsync(client, at, expected.Length, cancellationToken).ConfigureAwait(false);
                    matched = crc == Crc32Mpeg2.Compute(expected.Span);
                }

                if (!matched)
                {
                    // Read back (no CRC, or the CRC differs and the first bad byte must be named).
                    var buffer = actual.AsMemory(0, expected.Length);
                    await ReadCoreAsync(client, at, buffer, null, cancellationToken).ConfigureAwait(false);
                    int bad = buffer.Span.CommonPrefixLength(expected.Span);
                    if (bad < expected.Length)
                    {
                        ulong address = at + (ulong)bad;
                        throw new TargetException(
                            $"Verify failed at 0x{address:X8}: the target holds 0x{buffer.Span[bad]:X2} where the image has 0x{expected.Span[bad]:X2}.",
                            address: address);
                    }
                }

                offset += expected.Length;
                done += expected.Length;
                progress?.Report(new TargetProgress("verify", done, total));
            }
        }
    }

    private async Task<uint?> TryServerCrcAsync(GdbClient client, ulong address, int length, CancellationToken cancellationToken)
    {
        try
        {
            return await client.CrcAsync(address, (ulong)length, _options.LongRequestTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TargetException ex) when (!ex.IsTransient)
        {
            return null; // an error reply: fall back to reading back this range
        }
    }

    // Splits the image at the edges of the server's flash regions: (start, bytes, written with vFlash?).
    private IEnumerable<(ulong Start, ReadOnlyMemory<byte> Data, bool ServerFlash)> Pieces(MemoryImage image)
    {
        foreach (var segment in image.Segments)
        {
            int offset = 0;
            while (offset < segment.Length)
            {
                ulong at = segment.Start + (ulong)offset;
                var region = _memoryMap?.RegionAt(at);
                ulong limit = region?.End ?? NextMapRegionStart(at);
                int length = (int)Math.Min((ulong)(segment.Length - offset), limit - at);
                yield return (at, segment.Data.Slice(offset, length), region?.Kind == MemoryKind.Flash);
                offset += length;
            }
        }
    }

    private ulong NextMapRegionStart(ulong address) =>
        _memoryMap?.Regions.Where(r => r.Start > address).Select(r => r.Start).DefaultIfEmpty(ulong.MaxValue).Min() ?? ulong.MaxValue;

    // Erase blocks covering [start, end) inside the server's flash, aligned to the map's
    // blocksize (or the device's sectors when the map gives none), merged into runs.
    private List<(ulong Start, ulong End)> FlashBlocks(ulong start, ulong end)
    {
        var blocks = new RangeSet();
        foreach (var region in _memoryMap!.Regions.Where(r => r.Kind == MemoryKind.Flash && r.Start < end && r.End > start))
        {
            ulong from = Math.Max(start, region.Start), to = Math.Min(end, region.End);
            if (region.BlockSize > 0)
            {
                ulong first = region.Start + ((from - region.Start) / region.BlockSize * region.BlockSize);
                ulong last = region.Start + ((to - region.Start + region.BlockSize - 1) / region.BlockSize * region.BlockSize);
                blocks.Add(first, Math.Min(last, region.End));
            }
            else if (_device.RegionAt(from) is { Sectors.Count: > 0 } deviceRegion)
            {
                foreach (var (s, size) in deviceRegion.SectorsCovering(from, to)) blocks.Add(s, s + size);
            }
            else
            {
                blocks.Add(from, to);
            }
        }

        return [.. blocks.Ranges];
    }

    private async Task EraseWithoutMapAsync(GdbClient client, List<(MemoryRegion Region, ulong Start, ulong End)> pieces, IProgress<TargetProgress>? progress, CancellationToken cancellationToken)
    {
        long total = pieces.Sum(p => (long)(p.End - p.Start)), done = 0;
        progress?.Report(new TargetProgress("erase", 0, total));
        foreach (var (region, start, end) in pieces)
        {
            if (!region.RequiresErase)
            {
                // Nothing to do (QEMU's flash takes plain writes); report it as done.
                done += (long)(end - start);
                progress?.Report(new TargetProgress("erase", done, total));
                continue;
            }

            if (_device.FlashMethod != FlashMethod.MemoryWrites)
            {
                throw new TargetException(
                    $"The debug server at {client.Endpoint} offers no flash memory map, so the flash of {_device.Name} at 0x{start:X8} cannot be erased through it.",
                    address: start);
            }

            // Flash written with memory writes is "erased" by writing its erased value over whole sectors.
            var sectors = region.Sectors.Count > 0 ? region.SectorsCovering(start, end).ToList() : [(start, end - start)];
            foreach (var (s, size) in sectors)
            {
                var fill = new byte[size];
                Array.Fill(fill, region.ErasedValue);
                await WriteCoreAsync(client, s, fill, null, cancellationToken).ConfigureAwait(false);
                done += (long)size;
                progress?.Report(new TargetProgress("erase", Math.Min(done, total), total));
            }
        }
    }
}
