namespace Imprint.Station.Cloud;

/// <summary>One periodic exchange of a station daemon with its cloud: the record upload, then the image sync.</summary>
/// <param name="At">When it started.</param>
/// <param name="Uploads">What the upload did, or <see langword="null"/> when it could not run (see <paramref name="Error"/>).</param>
/// <param name="Images">What the image sync did, or <see langword="null"/> when it could not run (see <paramref name="Error"/>).</param>
/// <param name="Error">Why the upload or the sync could not run (cloud unreachable, station refused), or <see langword="null"/>.</param>
public sealed record CloudSyncRun(DateTimeOffset At, UploadReport? Uploads, ImageSyncReport? Images, string? Error);
