using Imprint.Cloud.Dashboard.Internal;

namespace Imprint.Cloud.Dashboard.Pages;

/// <summary>What the error page shows.</summary>
/// <param name="Frame">The page frame.</param>
/// <param name="Status">The HTTP status.</param>
/// <param name="Title">A short title ("Job not found").</param>
/// <param name="Message">The service's one-sentence explanation.</param>
public sealed record ErrorModel(Frame Frame, int Status, string Title, string Message);
