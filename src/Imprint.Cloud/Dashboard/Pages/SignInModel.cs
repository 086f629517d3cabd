using Imprint.Cloud.Dashboard.Internal;

namespace Imprint.Cloud.Dashboard.Pages;

/// <summary>What the sign-in page shows.</summary>
/// <param name="Frame">The page frame.</param>
/// <param name="CredentialId">The id typed before (kept after a refusal; never the secret).</param>
/// <param name="ReturnUrl">The local page to go to after signing in.</param>
/// <param name="Error">Why the last attempt was refused.</param>
public sealed record SignInModel(Frame Frame, string? CredentialId, string? ReturnUrl, string? Error);
