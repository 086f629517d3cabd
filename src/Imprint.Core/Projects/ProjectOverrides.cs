using Imprint.Projects.Internal;

namespace Imprint.Projects;

/// <summary>
/// Deployment settings changed for one build without editing the project (for example
/// <c>imprint build P.impobj --type job --max-count 500</c>). Unset values keep the project's.
/// </summary>
/// <param name="Type">The image type; switching to SAP drops the cloud binding.</param>
/// <param name="MaxCount">The maximum count.</param>
/// <param name="ValidFrom">The first instant programming is allowed.</param>
/// <param name="ValidUntil">The last instant programming is allowed.</param>
/// <param name="Account">The cloud account id (JOB).</param>
/// <param name="Factory">The virtual factory id (JOB).</param>
/// <param name="CloudUrl">The cloud's base URL (JOB).</param>
public sealed record ProjectOverrides(
    ImageType? Type = null,
    long? MaxCount = null,
    DateTimeOffset? ValidFrom = null,
    DateTimeOffset? ValidUntil = null,
    string? Account = null,
    string? Factory = null,
    string? CloudUrl = null)
{
    /// <summary>Returns <paramref name="project"/> with these settings applied; resolving it checks every rule again.</summary>
    /// <param name="project">The project.</param>
    /// <returns>The changed project.</returns>
    /// <exception cref="ProjectException">Binding fields are given but neither the project nor the overrides say enough to make a binding.</exception>
    public Project ApplyTo(Project project)
    {
        ArgumentNullException.ThrowIfNull(project);
        var type = Type ?? project.Type;
        var binding = project.Binding;
        if (Account is not null || Factory is not null || CloudUrl is not null)
        {
            string? account = Account ?? binding?.AccountId, factory = Factory ?? binding?.FactoryId, url = CloudUrl ?? binding?.CloudUrl;
            if (account is null || factory is null || url is null)
            {
                string missing = account is null ? "account" : factory is null ? "factory" : "url";
                throw new ProjectException(project.DisplayName, new ProjectError($"cloud.{missing}", "is required: the project has no cloud binding to complete, so give the account, factory and url"));
            }

            binding = new CloudBinding(account, factory, url);
        }

        if (type == ImageType.Sap) binding = null;
        var r = project.Restrictions;
        return project with
        {
            Type = type,
            Binding = binding,
            Restrictions = new Restrictions(MaxCount ?? r.MaxCount, ValidFrom ?? r.ValidFrom, ValidUntil ?? r.ValidUntil),
        };
    }

    /// <summary>
    /// Parses a date as project files write it: <c>2025-06-30</c> (midnight UTC, or the end of that
    /// day for <paramref name="endOfDay"/>) or an ISO 8601 date and time (UTC unless it has an offset).
    /// </summary>
    /// <param name="text">The text.</param>
    /// <param name="endOfDay">Whether a bare date means the last instant of that day.</param>
    /// <param name="value">The instant.</param>
    /// <returns>Whether the text is a date.</returns>
    public static bool TryParseDate(string text, bool endOfDay, out DateTimeOffset value)
    {
        ArgumentNullException.ThrowIfNull(text);
        return Numbers.TryParseDate(text, endOfDay, out value);
    }
}
