using System.CommandLine;
using Imprint.Cloud;
using Imprint.Cloud.Blobs;
using Imprint.Cloud.Services;
using Imprint.Cloud.Storage;
using Imprint.Sdk.Cloud;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;

namespace Imprint.Cli.Commands;

/// <summary><c>imprint cloud …</c>: run the cloud, bootstrap an account, and drive the cloud API with a credentials file.</summary>
internal static class CloudCommand
{
    private const string DefaultUrl = "http://localhost:5080";

    private static readonly Option<bool> JsonOption = new("--json") { Description = "Print one JSON document." };

    private static readonly Option<string> CredentialsOption = new("--credentials")
    {
        Description = "The credentials file (default $IMPRINT_HOME/credentials.json).",
        DefaultValueFactory = _ => CloudCredentials.DefaultPath,
    };

    public static Command Create()
    {
        var cloud = new Command("cloud", "Run the cloud control plane and manage accounts, factories, stations and jobs.");
        cloud.Subcommands.Add(Serve());
        cloud.Subcommands.Add(Account());
        cloud.Subcommands.Add(Credentials());
        cloud.Subcommands.Add(Factory());
        cloud.Subcommands.Add(Station());
        cloud.Subcommands.Add(Job());
        return cloud;
    }

    private static Option<string?> DbOption() => new("--db")
    {
        Description = "Database: postgres://user:pass@host:port/db or an Npgsql connection string for PostgreSQL; a file path or sqlite:PATH for SQLite (default: cloud.db in the data folder).",
    };

    private static Option<string?> DataOption() => new("--data") { Description = "The data folder (default $IMPRINT_HOME/cloud)." };

    private static Command Serve()
    {
        var db = DbOption();
        var data = DataOption();
        var urls = new Option<string>("--urls") { Description = "Where to listen, ';'-separated.", DefaultValueFactory = _ => DefaultUrl };
        var blobs = new Option<string?>("--blobs") { Description = "Where image blobs are stored: a folder (default: blobs in the data folder), or db for the database (instances without a shared folder)." };
        var publicUrl = new Option<string?>("--public-url") { Description = "The URL written into credentials files and provisioning tokens (default: the request's own)." };
        var behindProxy = new Option<bool>("--behind-proxy") { Description = "Apply X-Forwarded-For/-Proto/-Host from trusted proxies (loopback unless --trusted-proxy is given)." };
        var trustedProxies = new Option<string[]>("--trusted-proxy")
        {
            Description = "An address or CIDR network of a reverse proxy whose forwarded headers are applied (repeatable; implies --behind-proxy).",
            AllowMultipleArgumentsPerToken = true,
        };
        var command = new Command("serve", "Run the cloud service (several instances may share one PostgreSQL database).")
        {
            db, data, urls, blobs, publicUrl, behindProxy, trustedProxies,
        };
        CliAction.Set(command, async (parse, ct) =>
        {
            var options = new CloudOptions { Database = parse.GetValue(db), PublicUrl = parse.GetValue(publicUrl) };
            if (parse.GetValue(data) is { } dir)
            {
                options.DataDirectory = dir;
            }

            if (parse.GetValue(blobs) is { } blobValue)
            {
                // A folder literally named db is still reachable as ./db.
                if (blobValue == "db")
                {
                    options.Blobs = BlobStorage.Database;
                }
                else
                {
                    options.BlobDirectory = blobValue;
                }
            }

            foreach (var proxy in parse.GetValue(trustedProxies) ?? [])
            {
                options.TrustedProxies.Add(ParseNetwork(proxy));
            }

            options.BehindProxy = parse.GetValue(behindProxy) || options.TrustedProxies.Count > 0;
            await using var app = CloudHost.Build(options, parse.GetValue(urls)!);
            await app.StartAsync(ct);
            Console.Error.WriteLine($"Imprint cloud listening on {string.Join(", ", app.Urls)}");
            await app.WaitForShutdownAsync(ct);
            return 0;
        });
        return command;
    }

    private static System.Net.IPNetwork ParseNetwork(string text)
    {
        if (System.Net.IPNetwork.TryParse(text, out var network))
        {
            return network;
        }

        if (System.Net.IPAddress.TryParse(text, out var address))
        {
            return new System.Net.IPNetwork(address, address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128);
        }

        throw new ImprintException($"--trusted-proxy: '{text}' is not an IP address or a CIDR network such as 10.0.0.0/8.");
    }

    private static Command Account()
    {
        var db = DbOption();
        var data = DataOption();
        var name = new Option<string>("--name") { Description = "The account's name.", Required = true };
        var owner = new Option<string>("--owner") { Description = "The first owner's name.", DefaultValueFactory = _ => "owner" };
        var cloudUrl = new Option<string>("--cloud-url") { Description = "The cloud URL written into the credentials file.", DefaultValueFactory = _ => DefaultUrl };
        var output = new Option<string>("-o", "--output") { Description = "Where to write the owner's credentials file.", DefaultValueFactory = _ => CloudCredentials.DefaultPath };
        var create = new Command("create", "Create an account with its first owner and \"My Default Factory\", directly in the database (there is no administrator above accounts).")
        {
            db, data, name, owner, cloudUrl, output, JsonOption,
        };
        CliAction.Set(create, async (parse, ct) =>
        {
            var dataDir = parse.GetValue(data) ?? new CloudOptions().DataDirectory;
            await using var database = DatabaseUrl.Open(parse.GetValue(db), dataDir);
            Dapper.DefaultTypeMap.MatchNamesWithUnderscores = true;
            await database.MigrateAsync(NullLogger.Instance, ct);
            var created = await new AccountService(database, TimeProvider.System).CreateAccountAsync(parse.GetValue(name)!, parse.GetValue(owner)!, parse.GetValue(cloudUrl)!, ct);
            var path = parse.GetValue(output)!;
            await created.Credentials.SaveAsync(path, ct);
            if (parse.GetValue(JsonOption))
            {
                CliAction.WriteJson(new { account = created.Account, owner = created.Owner, defaultFactory = created.DefaultFactory, credentialsFile = Path.GetFullPath(path) });
            }
            else
            {
                Console.WriteLine($"Created account {created.Account.Id} ({created.Account.Name}) with owner {created.Owner.Id} and factory {created.DefaultFactory.Id} ({created.DefaultFactory.Name}).");
                Console.WriteLine($"Owner credentials written to {Path.GetFullPath(path)}; keep them secret.");
            }

            return 0;
        });
        return new Command("account", "Bootstrap accounts.") { create };
    }

    private static Command Credentials()
    {
        var name = new Option<string>("--name") { Description = "A label for the credential.", DefaultValueFactory = _ => "cli" };
        var user = new Option<string?>("--user") { Description = "The user it acts as (default: the caller)." };
        var output = new Option<string>("-o", "--output") { Description = "Where to write the new credentials file.", Required = true };
        var create = new Command("create", "Create a credential and write its credentials file (owner only).") { name, user, output, CredentialsOption, JsonOption };
        Set(create, async (client, parse, ct) =>
        {
            var created = await client.CreateCredentialAsync(new CreateCredentialRequest(parse.GetValue(name)!, parse.GetValue(user)), ct);
            var path = parse.GetValue(output)!;
            await created.SaveAsync(path, ct);
            Print(parse, new { id = created.Id, accountId = created.AccountId, cloudUrl = created.CloudUrl, file = Path.GetFullPath(path) },
                () => $"Credential {created.Id} written to {Path.GetFullPath(path)}.");
        });
        var list = new Command("list", "List credentials (never their secrets).") { CredentialsOption, JsonOption };
        Set(list, async (client, parse, ct) =>
        {
            var items = await client.ListCredentialsAsync(ct);
            Print(parse, items, () => Table(["ID", "NAME", "USER", "ROLE", "LAST USED", "REVOKED"],
                items.Select(c => new[] { c.Id, c.Name, c.UserId, Lower(c.Role), When(c.LastUsedAt), When(c.RevokedAt) })));
        });
        var id = new Argument<string>("id") { Description = "The credential id." };
        var revoke = new Command("revoke", "Revoke a credential.") { id, CredentialsOption, JsonOption };
        Set(revoke, async (client, parse, ct) =>
        {
            var c = await client.RevokeCredentialAsync(parse.GetValue(id)!, ct);
            Print(parse, c, () => $"Credential {c.Id} revoked.");
        });
        return new Command("credentials", "API credentials.") { create, list, revoke };
    }

    private static Command Factory()
    {
        var list = new Command("list", "List factories.") { CredentialsOption, JsonOption };
        Set(list, async (client, parse, ct) =>
        {
            var items = await client.ListFactoriesAsync(ct);
            Print(parse, items, () => Table(["ID", "NAME", "JOBS", "STATIONS"], items.Select(f => new[] { f.Id, f.Name, N(f.Jobs), N(f.Stations) })));
        });
        var name = new Argument<string>("name") { Description = "The factory's name." };
        var create = new Command("create", "Create a factory.") { name, CredentialsOption, JsonOption };
        Set(create, async (client, parse, ct) =>
        {
            var f = await client.CreateFactoryAsync(parse.GetValue(name)!, ct);
            Print(parse, f, () => $"Created factory {f.Id} ({f.Name}).");
        });
        var id = new Argument<string>("id") { Description = "The factory id." };
        var newName = new Argument<string>("name") { Description = "The new name." };
        var rename = new Command("rename", "Rename a factory.") { id, newName, CredentialsOption, JsonOption };
        Set(rename, async (client, parse, ct) =>
        {
            var f = await client.RenameFactoryAsync(parse.GetValue(id)!, parse.GetValue(newName)!, ct);
            Print(parse, f, () => $"Factory {f.Id} is now {f.Name}.");
        });
        var deleteId = new Argument<string>("id") { Description = "The factory id." };
        var delete = new Command("delete", "Delete a factory (refused while it has jobs or stations).") { deleteId, CredentialsOption, JsonOption };
        Set(delete, async (client, parse, ct) =>
        {
            await client.DeleteFactoryAsync(parse.GetValue(deleteId)!, ct);
            Print(parse, new { deleted = parse.GetValue(deleteId) }, () => $"Factory {parse.GetValue(deleteId)} deleted.");
        });
        return new Command("factory", "Virtual factories.") { list, create, rename, delete };
    }

    private static Command Station()
    {
        var factory = new Option<string?>("--factory") { Description = "The factory id (default: the first factory)." };
        var group = new Option<string?>("--group") { Description = "A station group." };
        var minutes = new Option<int>("--expires-minutes") { Description = "How long the token stays valid.", DefaultValueFactory = _ => 1440 };
        var token = new Command("provision-token", "Create a one-time provisioning token a station registers with.") { factory, group, minutes, CredentialsOption, JsonOption };
        Set(token, async (client, parse, ct) =>
        {
            var factoryId = parse.GetValue(factory) ?? (await client.ListFactoriesAsync(ct)).FirstOrDefault()?.Id
                ?? throw new ImprintException("--factory: the account has no factory; create one with `imprint cloud factory create NAME`.");
            var t = await client.CreateProvisioningTokenAsync(factoryId, new ProvisioningTokenRequest(parse.GetValue(group), parse.GetValue(minutes)), ct);
            Print(parse, t, () => $"{t.Token}\n(one-time token for factory {t.FactoryId}, valid until {t.ExpiresAt:u}; cloud {t.CloudUrl})");
        });
        var listFactory = new Option<string?>("--factory") { Description = "Only this factory's stations." };
        var list = new Command("list", "List stations with last-seen time, version and counts.") { listFactory, CredentialsOption, JsonOption };
        Set(list, async (client, parse, ct) =>
        {
            var items = await client.ListStationsAsync(parse.GetValue(listFactory), ct);
            Print(parse, items, () => Table(["ID", "NAME", "FACTORY", "STATUS", "VERSION", "LAST SEEN", "OK", "FAILED"],
                items.Select(s => new[] { s.Id, s.Name, s.FactoryId, Lower(s.Status), s.SoftwareVersion ?? "", When(s.LastSeenAt), N(s.Programmed), N(s.Failed) })));
        });
        var id = new Argument<string>("id") { Description = "The station id." };
        var deprovision = new Command("deprovision", "Deprovision a station.") { id, CredentialsOption, JsonOption };
        Set(deprovision, async (client, parse, ct) =>
        {
            var s = await client.DeprovisionStationAsync(parse.GetValue(id)!, ct);
            Print(parse, s, () => $"Station {s.Id} deprovisioned.");
        });
        var moveId = new Argument<string>("id") { Description = "The station id." };
        var to = new Option<string>("--factory") { Description = "The factory the station moves to.", Required = true };
        var reassign = new Command("reassign", "Move a station to another factory (its job authorizations in the old factory are dropped).") { moveId, to, CredentialsOption, JsonOption };
        Set(reassign, async (client, parse, ct) =>
        {
            var s = await client.ReassignStationAsync(parse.GetValue(moveId)!, parse.GetValue(to)!, ct);
            Print(parse, s, () => $"Station {s.Id} is now in factory {s.FactoryId}.");
        });
        return new Command("station", "Stations.") { token, list, deprovision, reassign };
    }

    private static Command Job()
    {
        var factory = new Option<string?>("--factory") { Description = "Only this factory's jobs." };
        var deleted = new Option<bool>("--include-deleted") { Description = "List deleted jobs too." };
        var list = new Command("list", "List jobs with status and counters.") { factory, deleted, CredentialsOption, JsonOption };
        Set(list, async (client, parse, ct) =>
        {
            var items = await client.ListJobsAsync(parse.GetValue(factory), parse.GetValue(deleted), ct);
            Print(parse, items, () => Table(["ID", "NAME", "STATUS", "PROGRAMMED", "FAILED", "RESERVED", "REMAINING"],
                items.Select(j => new[] { j.Id, j.Name, Lower(j.Status), N(j.Counters.Programmed), N(j.Counters.Failed), N(j.Counters.Reserved), j.Counters.Remaining is { } r ? N(r) : "unlimited" })));
        });
        var job = new Command("job", "Jobs (cloud-connected images).") { list, Register() };
        var showId = new Argument<string>("id") { Description = "The job id." };
        var show = new Command("show", "Show a job.") { showId, CredentialsOption, JsonOption };
        Set(show, async (client, parse, ct) =>
        {
            var j = await client.GetJobAsync(parse.GetValue(showId)!, ct);
            Print(parse, j, () => string.Join('\n',
                $"{j.Id}  {j.Name}  [{Lower(j.Status)}]",
                $"  image      {j.ImageId} (revision {j.Revision}, sha256 {j.ImageSha256}{(j.HasImage ? ", delivered through the cloud" : "")})",
                $"  device     {j.Device}",
                $"  factory    {j.FactoryId}; stations: {(j.AllStations ? "all of the factory" : string.Join(", ", j.StationIds))}",
                $"  counters   programmed {j.Counters.Programmed}, failed {j.Counters.Failed}, reserved {j.Counters.Reserved}, remaining {(j.Counters.Remaining is { } r ? N(r) : "unlimited")}",
                $"  serials    {string.Join(", ", j.Serials.Select(s => $"{s.Name} from pool {s.Pool}"))}"));
        });
        job.Subcommands.Add(show);
        foreach (var action in new[] { "pause", "resume", "disable", "restart", "delete" })
        {
            var id = new Argument<string>("id") { Description = "The job id." };
            var command = new Command(action, $"{char.ToUpperInvariant(action[0])}{action[1..]} a job.") { id, CredentialsOption, JsonOption };
            Set(command, async (client, parse, ct) =>
            {
                var j = await client.JobActionAsync(parse.GetValue(id)!, action, ct);
                Print(parse, j, () => $"Job {j.Id} is {Lower(j.Status)}.");
            });
            job.Subcommands.Add(command);
        }

        var logId = new Argument<string>("id") { Description = "The job id." };
        var csv = new Option<bool>("--csv") { Description = "Export every matching record as CSV." };
        var jsonl = new Option<bool>("--jsonl") { Description = "Export every matching record as JSON Lines." };
        var result = new Option<string?>("--result") { Description = "Only success or failure." };
        var limit = new Option<int>("--limit") { Description = "How many records to show (newest first).", DefaultValueFactory = _ => 50 };
        var log = new Command("log", "Show or export a job's programming log.") { logId, csv, jsonl, result, limit, CredentialsOption, JsonOption };
        Set(log, async (client, parse, ct) =>
        {
            var filter = new RecordFilter(JobId: parse.GetValue(logId), Result: parse.GetValue(result) switch
            {
                null => null,
                "success" => UnitResult.Success,
                "failure" => UnitResult.Failure,
                var other => throw new ImprintException($"--result: '{other}' is not success or failure."),
            });
            if (parse.GetValue(csv) || parse.GetValue(jsonl))
            {
                Console.Out.Write(await client.ExportRecordsAsync(filter, parse.GetValue(csv) ? "csv" : "jsonl", ct));
                return;
            }

            var page = await client.QueryRecordsAsync(filter, parse.GetValue(limit), null, ct);
            Print(parse, page, () => Table(["FINISHED", "STATION", "RESULT", "SERIALS", "MS", "FAILURE"],
                page.Items.Select(r => new[]
                {
                    When(r.FinishedAt), r.StationId, r.Result == UnitResult.Success ? "success" : "failure",
                    string.Join(' ', r.Serials.Select(s => $"{s.Name}={s.Value}")), N(r.DurationMs), r.FailureMessage ?? "",
                })));
        });
        job.Subcommands.Add(log);
        return job;
    }

    private static Command Register()
    {
        var image = new Argument<string>("image") { Description = "The JOB image file." };
        var keys = new Option<string[]>("--key", "-k") { Description = "The customer key file the image is encrypted with (repeatable).", AllowMultipleArgumentsPerToken = true };
        var factory = new Option<string?>("--factory") { Description = "The factory (default: the one the image is bound to)." };
        var upload = new Option<bool>("--upload") { Description = "Also upload the encrypted image for delivery to authorized stations." };
        var command = new Command("register", "Register a JOB image's metadata (no programming data) so the job shows in its factory; optionally upload the encrypted image.")
        {
            image, keys, factory, upload, CredentialsOption, JsonOption,
        };
        Set(command, async (client, parse, ct) =>
        {
            var path = parse.GetValue(image)!;
            var ring = new Imprint.Keys.KeyRing();
            foreach (var k in parse.GetValue(keys) ?? [])
            {
                ring.Add(Imprint.Keys.EncryptionKey.Load(k));
            }

            var opened = await Imprint.Images.ImageReader.OpenAsync(path, ring, ct);
            var j = await client.RegisterJobAsync(JobRegistration.FromImage(opened, parse.GetValue(factory)), ct);
            if (parse.GetValue(upload))
            {
                await using var file = File.OpenRead(path);
                j = await client.UploadJobImageAsync(j.Id, file, ct);
            }

            Print(parse, j, () => $"Registered job {j.Id} ({j.Name}) in factory {j.FactoryId}{(j.HasImage ? "; image uploaded for cloud delivery" : "")}.");
        });
        return command;
    }

    private static void Set(Command command, Func<CloudClient, ParseResult, CancellationToken, Task> body) =>
        CliAction.Set(command, async (parse, ct) =>
        {
            var credentials = await CloudCredentials.LoadAsync(parse.GetValue(CredentialsOption)!, ct);
            using var client = CloudClient.Create(credentials);
            try
            {
                await body(client, parse, ct);
            }
            catch (HttpRequestException ex)
            {
                throw new ImprintException($"Cannot reach the cloud at {credentials.CloudUrl}: {ex.Message}");
            }

            return 0;
        });

    private static void Print<T>(ParseResult parse, T value, Func<string> text)
    {
        if (parse.GetValue(JsonOption))
        {
            Console.Out.WriteLine(System.Text.Json.JsonSerializer.Serialize(value, IndentedJson));
        }
        else
        {
            Console.Out.WriteLine(text());
        }
    }

    private static readonly System.Text.Json.JsonSerializerOptions IndentedJson = new(CloudJson.Options) { WriteIndented = true };

    private static string Table(string[] headers, IEnumerable<string[]> rows)
    {
        var all = rows.Prepend(headers).ToList();
        var widths = headers.Select((_, i) => all.Max(r => r[i].Length)).ToArray();
        return string.Join('\n', all.Select(r => string.Join("  ", r.Select((c, i) => i == r.Length - 1 ? c : c.PadRight(widths[i]))).TrimEnd()));
    }

    private static string N(long value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static string Lower<T>(T value)
        where T : struct, Enum => value.ToString().ToLowerInvariant();

    private static string When(DateTimeOffset? value) => value is { } v ? v.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture) : "-";
}
