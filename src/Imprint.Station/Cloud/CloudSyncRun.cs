using Imprint.Station.State;

namespace Imprint.Station.Cloud;

/// <summary>One periodic exchange of a station daemon with its cloud: the record upload, then the image sync.</summary>
/// <param name="At">When it started.</param>
/// <param name="Uploads">What the upload did, or <see langword="null"/> when it could not run (see <paramref name="Error"/>).</param>
/// <param name="Images">What the image sync did, or <see langword="null"/> when it could not run (see <paramref name="Error"/>).</param>
/// <param name="NewlyRejected">
/// Records the cloud rejected since the previous round, whichever upload it was (this one, the one
/// after a unit, the one at start); the first round lists every rejected record waiting for a requeue.
/// </param>
/// <param name="Error">Why the upload or the sync could not run (cloud unreachable, station refused), or <see langword="null"/>.</param>
public sealed record CloudSyncRun(DateTimeOffset At, UploadReport? Uploads, ImageSyncReport? Images, IReadOnlyList<RejectedUpload> NewlyRejected, string? Error);
