using System.Net;

namespace Imprint.Sdk.Cloud;

/// <summary>The cloud refused a request; <see cref="Exception.Message"/> is the server's one-sentence detail.</summary>
public sealed class CloudApiException : ImprintException
{
    /// <summary>Initializes a new instance of the <see cref="CloudApiException"/> class.</summary>
    /// <param name="status">The HTTP status.</param>
    /// <param name="title">The problem's title.</param>
    /// <param name="message">The problem's detail.</param>
    public CloudApiException(HttpStatusCode status, string? title, string message)
        : base(message)
    {
        Status = status;
        Title = title;
    }

    /// <summary>Gets the HTTP status code.</summary>
    public HttpStatusCode Status { get; }

    /// <summary>Gets the problem's title (its kind, for example "Job not active").</summary>
    public string? Title { get; }
}
