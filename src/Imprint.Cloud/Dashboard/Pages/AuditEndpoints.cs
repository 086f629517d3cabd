using Imprint.Cloud.Dashboard.Internal;
using Imprint.Cloud.Security;
using Imprint.Cloud.Services;

namespace Imprint.Cloud.Dashboard.Pages;

/// <summary>The audit trail: who did what, when.</summary>
internal static class AuditEndpoints
{
    public static void Map(RouteGroupBuilder signedIn) => signedIn.MapGet("/audit", ShowAsync);

    public static async Task<IResult> ShowAsync(long? before, HttpContext context, AuditLog audit, CancellationToken ct)
    {
        var frame = await Frame.ForAsync(context, "Audit trail", Section.Audit, ct);
        var entries = await audit.ListAsync(context.User.ToActor(), AuditModel.PageSize, before, ct);
        return View.Page<AuditPage>(new AuditModel(frame, entries, before is not null));
    }
}
