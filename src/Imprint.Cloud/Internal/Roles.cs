using Imprint.Sdk.Cloud;

namespace Imprint.Cloud.Internal;

/// <summary>Roles and statuses are stored as lower-case words.</summary>
internal static class Roles
{
    public static string Write(Role role) => role.ToString().ToLowerInvariant();

    public static Role Read(string text) => Enum.Parse<Role>(text, ignoreCase: true);

    public static string Write(JobStatus status) => status.ToString().ToLowerInvariant();

    public static JobStatus ReadStatus(string text) => Enum.Parse<JobStatus>(text, ignoreCase: true);
}
