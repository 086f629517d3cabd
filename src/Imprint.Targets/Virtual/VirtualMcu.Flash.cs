using Imprint.Devices;
using Imprint.Targets.Virtual.Internal;

namespace Imprint.Targets.Virtual;

public sealed partial class VirtualMcu
{
    /// <summary>
    /// Erases every sector that intersects [<paramref name="start"/>, <paramref name="end"/>) to
    /// its region's erased value. Nothing is erased when any sector in the range may not be.
    /// </summary>
    /// <param name="start">The first address.</param>
    /// <param name="end">The address just past the range.</param>
    /// <param name="progress">Receives progress (<c>erase</c>, bytes), or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the erase between sectors.</param>
    /// <returns>A task that completes when every sector is erased.</returns>
    /// <exception cref="TargetException">The range touches unmapped memory, RAM, ROM, OTP or a write-protected sector.</exception>
    public Task EraseRangeAsync(ulong start, ulong end, IProgress<TargetProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        List<(VirtualRegion Region, ulong Start, ulong Size)> plan = [];
        lock (_gate)
        {
            for (ulong cursor = start; cursor < end;)
            {
                var region = RegionAt(cursor) ?? throw Unmapped(cursor);
                foreach (var (sectorStart, size) in region.SectorsCovering(cursor, end))
                {
                    region.CheckErasable(sectorStart);
                    plan.Add((region, sectorStart, size));
                }

                cursor = region.Region.End;
            }
        }

        return EraseAsync(plan, progress, cancellationToken);
    }

    /// <summary>
    /// Erases every flash region of the part (not OTP, not option bytes), as a mass erase does.
    /// </summary>
    /// <param name="progress">Receives progress (<c>erase</c>, bytes), or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the erase between sectors.</param>
    /// <returns>A task that completes when the flash is erased.</returns>
    /// <exception cref="TargetException">A flash sector is write-protected.</exception>
    public Task EraseChipAsync(IProgress<TargetProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        List<(VirtualRegion Region, ulong Start, ulong Size)> plan = [];
        lock (_gate)
        {
            foreach (var region in _regions.Where(r => r.Region.Kind == MemoryKind.Flash))
            {
                foreach (var (sectorStart, size) in region.SectorsCovering(region.Region.Start, region.Region.End))
                {
                    region.CheckErasable(sectorStart);
                    plan.Add((region, sectorStart, size));
                }
            }
        }

        return EraseAsync(plan, progress, cancellationToken);
    }

    private async Task EraseAsync(List<(VirtualRegion Region, ulong Start, ulong Size)> plan, IProgress<TargetProgress>? progress, CancellationToken cancellationToken)
    {
        long total = plan.Sum(s => (long)s.Size), done = 0;
        progress?.Report(new TargetProgress("erase", 0, total));
        foreach (var (region, start, size) in plan)
        {
            if (Faults.EraseDelayPerSector > TimeSpan.Zero)
            {
                await Task.Delay(Faults.EraseDelayPerSector, _time, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            lock (_gate)
            {
                // Protection may have changed while an earlier sector was erasing.
                region.CheckErasable(start);
                if (!IsStuck(region, start)) region.EraseSector(start, size);
            }

            done += (long)size;
            progress?.Report(new TargetProgress("erase", done, total));
        }
    }

    private bool IsStuck(VirtualRegion region, ulong sectorStart) =>
        Faults.StuckSectors.Any(a => region.Contains(a) && region.SectorAt(a).Start == sectorStart);
}
