using Imprint.Testing;

namespace Imprint.Tests.Support;

/// <summary>A running cloud on one database engine, shared by a test class; every test makes its own account.</summary>
public abstract class CloudFixture : IAsyncLifetime, IDisposable
{
    private readonly TempDirectory _temp = new();

    internal CloudTestHost Host { get; private set; } = null!;

    internal string? Database { get; private set; }

    internal string TempPath => _temp.Path;

    public async Task InitializeAsync()
    {
        Database = await CreateDatabaseAsync(_temp.Path);
        Host = await CloudTestHost.StartAsync(Database, Path.Combine(_temp.Path, "data"));
    }

    /// <summary>Starts another host on the same database (a second instance, or one with its own clock).</summary>
    internal Task<CloudTestHost> StartHostAsync(FakeTimeProvider? time = null, Action<Imprint.Cloud.CloudOptions>? configure = null) =>
        CloudTestHost.StartAsync(Database, Path.Combine(_temp.Path, "data"), time, configure);

    public async Task DisposeAsync()
    {
        await Host.DisposeAsync();
        _temp.Dispose();
    }

    public void Dispose()
    {
        _temp.Dispose();
        GC.SuppressFinalize(this);
    }

    internal abstract Task<string?> CreateDatabaseAsync(string tempPath);
}

public sealed class SqliteCloudFixture : CloudFixture
{
    internal override Task<string?> CreateDatabaseAsync(string tempPath) => Task.FromResult<string?>(Path.Combine(tempPath, "cloud.db"));
}

public sealed class PostgresCloudFixture : CloudFixture
{
    internal override async Task<string?> CreateDatabaseAsync(string tempPath) => await (await PostgresServer.Shared).CreateDatabaseAsync();
}
