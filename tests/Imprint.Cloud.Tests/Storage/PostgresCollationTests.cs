using Imprint.Cloud.Storage;
using Imprint.Testing;
using Microsoft.Extensions.Logging;

namespace Imprint.Tests.Storage;

/// <summary>The service tells the operator when its PostgreSQL database sorts text linguistically (slower index lookups).</summary>
public sealed class PostgresCollationTests
{
    [Fact]
    public async Task Migrate_WarnsOnALinguisticCollation_NotOnByteOrder()
    {
        var server = await PostgresServer.Shared;
        using var temp = new TempDirectory();
        foreach (var (collation, warns) in new[] { ("C.UTF-8", true), ("C", false) })
        {
            var logger = new CapturingLogger();
            await using var database = DatabaseUrl.Open(await server.CreateDatabaseAsync(collation), temp.Path);
            await database.MigrateAsync(logger, CancellationToken.None);

            var warnings = logger.Entries.Where(e => e.Level == LogLevel.Warning).Select(e => e.Message).ToList();
            if (warns)
            {
                warnings.ShouldHaveSingleItem().ShouldContain("create it with LC_COLLATE 'C' for faster index lookups");
            }
            else
            {
                warnings.ShouldBeEmpty();
            }
        }
    }

    private sealed class CapturingLogger : ILogger
    {
        public List<(LogLevel Level, string Message)> Entries { get; } = [];

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Entries.Add((logLevel, formatter(state, exception)));
    }
}
