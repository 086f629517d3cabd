namespace Imprint.Station.State;

/// <summary>A station's counters: per image and per serial pool.</summary>
/// <param name="Images">One entry per image unique id that ever programmed here.</param>
/// <param name="Pools">One entry per serial pool used here.</param>
/// <param name="Uploads">Records of cloud-connected units waiting for the cloud, and those it rejected.</param>
public sealed record StationCounters(IReadOnlyList<ImageCounter> Images, IReadOnlyList<PoolCounter> Pools, UploadCounter Uploads);

/// <summary>How many units an image programmed on this station.</summary>
/// <param name="ImageId">The image's unique id.</param>
/// <param name="Name">The image's name.</param>
/// <param name="Passed">Units that passed (what a count limit counts).</param>
/// <param name="Failed">Units that failed or were interrupted.</param>
/// <param name="LastUnitAt">When the last unit finished, if any.</param>
public sealed record ImageCounter(string ImageId, string Name, long Passed, long Failed, DateTimeOffset? LastUnitAt);

/// <summary>The state of one serial pool on this station.</summary>
/// <param name="Pool">The pool name.</param>
/// <param name="NextIndex">The next index never drawn before (the n-th unit drawn from the pool gets index n).</param>
/// <param name="Used">Indexes written to passed units.</param>
/// <param name="Free">Indexes returned by failed units, drawn again before new ones.</param>
/// <param name="Reserved">Indexes held by a unit in progress.</param>
public sealed record PoolCounter(string Pool, long NextIndex, long Used, long Free, long Reserved);
