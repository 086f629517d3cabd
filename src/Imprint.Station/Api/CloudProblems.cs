using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using CloudApiException = Imprint.Sdk.Cloud.CloudApiException;

namespace Imprint.Station.Api;

/// <summary>Answers for requests that need the station's cloud.</summary>
internal static class CloudProblems
{
    public static string NotProvisioned(Station station) =>
        $"station {station.Identity.Id} is not provisioned with a cloud; run imprint station provision first.";

    /// <summary>502: the station is fine, its cloud refused it or cannot be reached.</summary>
    public static ProblemHttpResult BadGateway(ImprintException ex) => ex is CloudApiException refused
        ? ApiProblems.Problem(StatusCodes.Status502BadGateway, "Cloud refused", $"the cloud refused the station ({(int)refused.Status}): {refused.Message}")
        : ApiProblems.Problem(StatusCodes.Status502BadGateway, "Cloud unreachable", ex.Message);
}
