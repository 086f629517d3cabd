using Imprint.Cloud.Dashboard.Internal;
using Imprint.Sdk.Cloud;

namespace Imprint.Cloud.Dashboard.Pages;

/// <summary>What a unit's record page shows.</summary>
/// <param name="Frame">The page frame.</param>
/// <param name="Record">The record.</param>
/// <param name="Job">Its job.</param>
/// <param name="Station">Its station, when it is still listed.</param>
public sealed record RecordModel(Frame Frame, RecordView Record, JobView Job, StationView? Station);
