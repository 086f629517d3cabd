using Imprint.Cloud.Security;
using Imprint.Cloud.Services;
using Imprint.Sdk.Cloud;
using Microsoft.Extensions.DependencyInjection;

namespace Imprint.Cloud.Dashboard.Internal;

/// <summary>The sections of the navigation bar.</summary>
public enum Section
{
    /// <summary>No section is current (sign-in, errors).</summary>
    None,

    /// <summary>Factories, stations, jobs and today's counters.</summary>
    Overview,

    /// <summary>The global log.</summary>
    Log,

    /// <summary>Stations and provisioning.</summary>
    Stations,

    /// <summary>The audit trail.</summary>
    Audit,
}

/// <summary>What the page shell shows around every page: who is signed in, where they are, the pending message, the time.</summary>
/// <param name="Title">The page title.</param>
/// <param name="Section">The current navigation section.</param>
/// <param name="Who">The signed-in user and account; <see langword="null"/> on public pages.</param>
/// <param name="Flash">A message carried over from the previous form.</param>
/// <param name="Now">The cloud's clock, for "5 min ago".</param>
public sealed record Frame(string Title, Section Section, WhoAmI? Who, FlashMessage? Flash, DateTimeOffset Now)
{
    /// <summary>Gets whether the user may change jobs (owner or engineer): the service layer enforces it, the page only hides what would be refused.</summary>
    public bool CanChangeJobs => Who?.Role is Role.Owner or Role.Engineer;

    /// <summary>Gets whether the user is an owner (stations, provisioning).</summary>
    public bool IsOwner => Who?.Role is Role.Owner;

    /// <summary>Builds the frame of a signed-in page.</summary>
    public static async Task<Frame> ForAsync(HttpContext context, string title, Section section, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(context);
        var services = context.RequestServices;
        var who = await services.GetRequiredService<AccountService>().WhoAmIAsync(context.User.ToActor(), ct).ConfigureAwait(false);
        return new Frame(title, section, who, FlashMessage.Take(context), services.GetRequiredService<TimeProvider>().GetUtcNow());
    }

    /// <summary>Builds the frame of a public page (sign-in, errors before sign-in).</summary>
    public static Frame Public(HttpContext context, string title)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new Frame(title, Section.None, null, FlashMessage.Take(context), context.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow());
    }
}
