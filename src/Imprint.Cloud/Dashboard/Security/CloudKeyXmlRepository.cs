using System.Xml.Linq;
using Imprint.Cloud.Internal;
using Imprint.Cloud.Storage;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.Extensions.Logging;

namespace Imprint.Cloud.Dashboard.Security;

/// <summary>
/// Keeps ASP.NET's data-protection key ring (which encrypts session cookies and antiforgery
/// tokens) in the cloud database's <c>cloud_keys</c> table, next to the grant-signing key, so
/// every host sharing the database accepts the others' cookies.
/// </summary>
/// <remarks>
/// <see cref="IXmlRepository"/> is synchronous; the key ring is read at start-up and then about
/// once a day, so blocking on the database there is acceptable.
/// </remarks>
internal sealed class CloudKeyXmlRepository(CloudDatabase database, TimeProvider time, ILogger<CloudKeyXmlRepository> logger) : IXmlRepository
{
    private const string Prefix = "data-protection:";
    private readonly Lazy<Task> _schema = new(() => database.MigrateAsync(logger, CancellationToken.None));

    public IReadOnlyCollection<XElement> GetAllElements() => Run(async () =>
    {
        await _schema.Value.ConfigureAwait(false);
        var rows = await database.ReadAsync(s => s.QueryAsync<string>(
            "SELECT private_key FROM cloud_keys WHERE id LIKE @prefix ORDER BY created_at, id", new { prefix = Prefix + "%" }), CancellationToken.None).ConfigureAwait(false);
        return (IReadOnlyCollection<XElement>)rows.Select(XElement.Parse).ToList();
    });

    public void StoreElement(XElement element, string friendlyName)
    {
        ArgumentNullException.ThrowIfNull(element);
        var id = Prefix + friendlyName;
        var xml = element.ToString(SaveOptions.DisableFormatting);
        Run(async () =>
        {
            await _schema.Value.ConfigureAwait(false);
            return await database.WriteAsync(s => s.ExecuteAsync(
                "INSERT INTO cloud_keys (id, private_key, created_at) VALUES (@id, @xml, @now) ON CONFLICT (id) DO NOTHING",
                new { id, xml, now = time.Now() }), CancellationToken.None).ConfigureAwait(false);
        });
    }

    private static T Run<T>(Func<Task<T>> work) => Task.Run(work).GetAwaiter().GetResult();
}
