namespace Imprint.Tests.Cloud;

/// <summary>Sits between the station and the cloud and cuts the network on demand.</summary>
internal sealed class NetworkCut() : DelegatingHandler(new SocketsHttpHandler())
{
    /// <summary>Gets or sets a value indicating whether requests fail before reaching the cloud.</summary>
    public bool Down { get; set; }

    /// <summary>Gets or sets a value indicating whether result uploads reach the cloud but their answer is lost.</summary>
    public bool LoseUploadAnswers { get; set; }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (Down) throw new HttpRequestException("Connection refused (cut by the test)");
        var response = await base.SendAsync(request, cancellationToken);
        if (LoseUploadAnswers && request.RequestUri!.AbsolutePath.EndsWith("/results", StringComparison.Ordinal))
        {
            response.Dispose();
            throw new HttpRequestException("Connection reset (answer lost by the test)");
        }

        return response;
    }
}
