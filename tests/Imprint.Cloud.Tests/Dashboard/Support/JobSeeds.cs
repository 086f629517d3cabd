using Imprint.Sdk.Cloud;
using Imprint.Tests.Support;

namespace Imprint.Tests.Dashboard.Support;

/// <summary>Jobs registered through the API, as <c>imprint build --type job</c> would.</summary>
internal static class JobSeeds
{
    public static Task<JobView> RegisterAsync(CloudClient owner, string factoryId, long? maxCount = 1000, bool allStations = true, IReadOnlyList<string>? stationIds = null) =>
        CloudApiTests.RegisterJobAsync(owner, factoryId, maxCount: maxCount, allStations: allStations, stationIds: stationIds,
            image: "blinky-" + Guid.NewGuid().ToString("N")[..8]);
}
