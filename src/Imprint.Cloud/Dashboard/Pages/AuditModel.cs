using Imprint.Cloud.Dashboard.Internal;
using Imprint.Sdk.Cloud;

namespace Imprint.Cloud.Dashboard.Pages;

/// <summary>What the audit trail page shows.</summary>
/// <param name="Frame">The page frame.</param>
/// <param name="Entries">One page of entries, newest first.</param>
/// <param name="Paged">Whether this is not the first page.</param>
public sealed record AuditModel(Frame Frame, IReadOnlyList<AuditEntry> Entries, bool Paged)
{
    /// <summary>Entries per page.</summary>
    public const int PageSize = 100;
}
