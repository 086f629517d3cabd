namespace Imprint.Cloud;

/// <summary>How a refused request maps onto HTTP.</summary>
public enum CloudErrorKind
{
    /// <summary>400: the request is malformed or a field is invalid.</summary>
    Invalid = 400,

    /// <summary>401: no valid credential or station signature.</summary>
    Unauthorized = 401,

    /// <summary>403: authenticated, but not allowed.</summary>
    Forbidden = 403,

    /// <summary>404: no such resource in the caller's account.</summary>
    NotFound = 404,

    /// <summary>409: the resource's state forbids it (paused job, exhausted count, duplicate).</summary>
    Conflict = 409,

    /// <summary>413: the body is larger than allowed.</summary>
    TooLarge = 413,
}

/// <summary>
/// A request the cloud refuses: the service layer throws it, the API turns it into a ProblemDetails
/// response with <see cref="Title"/> as title and the one-sentence message as detail.
/// </summary>
/// <param name="kind">The HTTP mapping.</param>
/// <param name="title">A short, stable title (for example "Job not active").</param>
/// <param name="message">One sentence naming the resource or field and what is wrong.</param>
public sealed class CloudException(CloudErrorKind kind, string title, string message) : ImprintException(message)
{
    public CloudErrorKind Kind { get; } = kind;

    public string Title { get; } = title;

    public static CloudException NotFound(string what, string id) =>
        new(CloudErrorKind.NotFound, $"{what} not found", $"{what} '{id}' does not exist in this account.");

    public static CloudException Invalid(string field, string problem) =>
        new(CloudErrorKind.Invalid, "Invalid request", $"{field}: {problem}");
}
