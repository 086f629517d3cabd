namespace Imprint.Cloud.Security;

/// <summary>Authentication schemes and policies of the cloud.</summary>
public static class CloudSchemes
{
    /// <summary>API credentials: <c>Authorization: Bearer ID.SECRET</c>.</summary>
    public const string Credential = "ImprintCredential";

    /// <summary>Station request signatures.</summary>
    public const string Station = "ImprintStation";

    internal const string AccountClaim = "imprint:account";
    internal const string UserClaim = "imprint:user";
    internal const string NameClaim = "imprint:name";
    internal const string RoleClaim = "imprint:role";
    internal const string CredentialClaim = "imprint:credential";
    internal const string StationClaim = "imprint:station";
    internal const string FactoryClaim = "imprint:factory";
    internal const string NonceClaim = "imprint:nonce";
    internal const string NonceUntilClaim = "imprint:nonce-until";
}
