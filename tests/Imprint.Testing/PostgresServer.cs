using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace Imprint.Testing;

/// <summary>
/// A throwaway PostgreSQL cluster (Debian's postgresql package) in a temp folder on a free
/// loopback port, shared by the whole test assembly and stopped when the process exits.
/// initdb and postgres refuse to run as root, so as root they run as the postgres user.
/// </summary>
public sealed class PostgresServer
{
    private const string TestSettings = "-c fsync=off -c synchronous_commit=off -c full_page_writes=off";
    private static readonly Lazy<Task<PostgresServer>> SharedServer = new(() => StartAsync(TestSettings));
    private readonly string _dir;
    private readonly string _bin;
    private int _databases;

    private PostgresServer(string dir, string bin, int port)
    {
        _dir = dir;
        _bin = bin;
        Port = port;
    }

    public int Port { get; }

    public string AdminConnectionString => $"Host=127.0.0.1;Port={Port};Username=postgres;Database=postgres;Pooling=false";

    public static Task<PostgresServer> Shared => SharedServer.Value;

    /// <summary>
    /// Creates a fresh, empty database and returns its connection string. It compares text in
    /// byte order (<c>LC_COLLATE 'C'</c>), as docs/cloud-operations.md recommends for the cloud's
    /// database: every key is an ASCII id, and the cluster's default here (C.UTF-8) would send each
    /// index comparison through strcoll.
    /// </summary>
    /// <param name="collation">The database's <c>LC_COLLATE</c>.</param>
    public async Task<string> CreateDatabaseAsync(string collation = "C")
    {
        var name = $"imprint_{Environment.ProcessId}_{Interlocked.Increment(ref _databases)}";
        await using var connection = new NpgsqlConnection(AdminConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE DATABASE {name} TEMPLATE template0 LC_COLLATE '{collation}'", connection);
        await command.ExecuteNonQueryAsync();
        return $"Host=127.0.0.1;Port={Port};Username=postgres;Database={name}";
    }

    /// <summary>Gets the folder with postgres, initdb, pg_ctl and pgbench.</summary>
    public string BinDirectory => _bin;

    public static string? FindBin()
    {
        var root = "/usr/lib/postgresql";
        if (!Directory.Exists(root))
        {
            return null;
        }

        return Directory.GetDirectories(root).OrderByDescending(d => int.TryParse(Path.GetFileName(d), out var v) ? v : 0)
            .Select(d => Path.Combine(d, "bin")).FirstOrDefault(d => File.Exists(Path.Combine(d, "postgres")));
    }

    /// <summary>Starts a new cluster with extra postgres settings (for example durability options); stopped at process exit.</summary>
    public static async Task<PostgresServer> StartAsync(string extraSettings)
    {
        var bin = FindBin() ?? throw new InvalidOperationException("PostgreSQL is not installed (apt package postgresql); ./test.sh installs it.");
        var dir = Path.Combine(Path.GetTempPath(), "imprint-pg-" + Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(dir);
        var port = FreePort();
        var server = new PostgresServer(dir, bin, port);
        if (Environment.UserName == "root")
        {
            await RunAsync("chown", "-R", "postgres:postgres", dir);
        }

        await server.AsPostgresAsync($"{bin}/initdb -D {dir}/data -A trust -U postgres --no-sync -E UTF8 > {dir}/initdb.log 2>&1");
        var settings = $"-p {port} -k {dir} -h 127.0.0.1 -c max_connections=300 -c shared_buffers=256MB {extraSettings}";
        await server.AsPostgresAsync($"{bin}/pg_ctl -D {dir}/data -l {dir}/server.log -o '{settings}' -w -t 60 start > /dev/null");
        AppDomain.CurrentDomain.ProcessExit += (_, _) => server.Stop();
        // A test host can end without running ProcessExit handlers (killed by the runner): a
        // detached watchdog stops the cluster and removes its folder once this process is gone.
        var stop = server.AsPostgresCommand($"{bin}/pg_ctl -D {dir}/data -m immediate -w stop");
        var watchdog = $"while kill -0 {Environment.ProcessId} 2>/dev/null; do sleep 1; done; {stop} >/dev/null 2>&1; rm -rf '{dir}'";
        await RunAsync("/bin/sh", "-c", $"nohup /bin/sh -c \"{watchdog.Replace("\"", "\\\"", StringComparison.Ordinal)}\" >/dev/null 2>&1 &");
        return server;
    }

    private void Stop()
    {
        try
        {
            AsPostgresAsync($"{_bin}/pg_ctl -D {_dir}/data -m immediate -w stop > /dev/null 2>&1").Wait(TimeSpan.FromSeconds(20));
        }
        finally
        {
            try
            {
                Directory.Delete(_dir, recursive: true);
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
    }

    private string AsPostgresCommand(string shell) =>
        Environment.UserName == "root" ? $"su postgres -s /bin/sh -c '{shell}'" : shell;

    private Task AsPostgresAsync(string shell) =>
        Environment.UserName == "root" ? RunAsync("su", "postgres", "-s", "/bin/sh", "-c", shell) : RunAsync("/bin/sh", "-c", shell);

    private static async Task RunAsync(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed ({process.ExitCode}): {await stderr}{await stdout}");
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
