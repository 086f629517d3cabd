using System.CommandLine;
using System.Globalization;
using System.Net;
using System.Runtime.InteropServices;
using Imprint.Station;
using Imprint.Station.Api;
using Imprint.Station.Keys;
using Imprint.Station.Records;
using Imprint.Station.State;

namespace Imprint.Cli.Commands;

/// <summary><c>imprint station …</c>: run a station daemon and inspect a station folder.</summary>
internal static class StationCommand
{
    public static Command Create()
    {
        var command = new Command("station", "Run a station daemon with its control API, read a station's log, counters and keys, and exchange with its cloud.");
        command.Subcommands.Add(CreateServe());
        command.Subcommands.Add(CreateLog());
        command.Subcommands.Add(CreateCounters());
        command.Subcommands.Add(CreateKeys());
        command.Subcommands.Add(StationProvisionCommand.Create());
        command.Subcommands.Add(StationSyncCommand.Create());
        command.Subcommands.Add(StationRequeueCommand.Create());
        return command;
    }

    private static Option<string> DirOption() =>
        new("--dir", "--station-dir") { Description = "The station folder (default $IMPRINT_HOME/station or ~/.local/share/imprint/station)." };

    // Reading commands never create a station where a mistyped --dir points.
    private static StationDirectory OpenDirectory(ParseResult parse, Option<string> dir, StationNeeds needs = StationNeeds.Database)
    {
        var path = Path.GetFullPath(parse.GetValue(dir) ?? StationDirectory.DefaultPath());
        if (needs == StationNeeds.Database && !File.Exists(Path.Combine(path, "station.db")))
        {
            throw new ImprintException($"{path} holds no station (no station.db); give --dir, or program a unit there first.");
        }

        if (needs == StationNeeds.Folder && !Directory.Exists(path))
        {
            throw new ImprintException($"{path} holds no station (the folder does not exist); give --dir.");
        }

        return new StationDirectory(path);
    }

    private static Command CreateServe()
    {
        var dir = DirOption();
        var target = new Option<string>("--target") { Description = "The target every unit is programmed on: gdb://HOST:PORT or virtual://DEVICE.", Required = true };
        var port = new Option<int>("--port") { Description = "The TCP port of the control API (0 picks a free one).", Required = true };
        var host = new Option<string>("--host") { Description = "The address to listen on.", DefaultValueFactory = _ => "127.0.0.1" };
        var apiKeyFile = new Option<string>("--api-key-file") { Description = "A file holding the API key (default: DIR/api-key, created on first start)." };
        var trustAny = new Option<bool>("--trust-any-signer") { Description = "Program images signed by any key (by default only signers in the station's keys)." };
        var syncInterval = new Option<int>("--sync-interval")
        {
            Description = "Seconds between uploads of queued records and fetches of new job images, for a provisioned station (0 turns it off).",
            DefaultValueFactory = _ => 60,
        };
        var command = new Command("serve", "Run the station daemon with its HTTP control API until Ctrl-C or SIGTERM.");
        foreach (var option in new Option[] { dir, target, port, host, apiKeyFile, trustAny, syncInterval }) command.Options.Add(option);
        CliAction.Set(command, async (parse, ct) =>
        {
            if (!Uri.TryCreate(parse.GetValue(target), UriKind.Absolute, out var url))
            {
                throw new ImprintException($"--target '{parse.GetValue(target)}' is not a URL; use gdb://HOST:PORT or virtual://DEVICE.");
            }

            if (!IPAddress.TryParse(parse.GetValue(host), out var address))
            {
                throw new ImprintException($"--host '{parse.GetValue(host)}' is not an IP address.");
            }

            int listenPort = parse.GetValue(port);
            if (listenPort is < 0 or > 65535) throw new ImprintException($"--port {listenPort} is not a TCP port; use 0 to 65535.");
            int interval = parse.GetValue(syncInterval);
            if (interval is < 0 or > 86_400) throw new ImprintException($"--sync-interval {interval} is out of range; use 0 (off) to 86400 seconds.");
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
            using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
            {
                context.Cancel = true;
                stop.Cancel();
            });
            using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, context =>
            {
                context.Cancel = true;
                stop.Cancel();
            });
            await using var server = await StationServer.StartAsync(new StationServerOptions
            {
                Station = new StationOptions
                {
                    Directory = parse.GetValue(dir) ?? StationDirectory.DefaultPath(),
                    TrustAnySigner = parse.GetValue(trustAny),
                    OpenTarget = StationTargets.OpenAsync,
                },
                Target = url,
                Address = address,
                Port = listenPort,
                ApiKeyFile = parse.GetValue(apiKeyFile),
                CloudSyncInterval = TimeSpan.FromSeconds(interval),
                OnCloudSync = new CloudSyncPrinter(Console.Out).Print,
            }, ct);
            var keyNote = parse.GetValue(apiKeyFile) ?? server.Station.Directory.ApiKeyPath;
            Console.Out.WriteLine($"station {server.Station.Identity.Id} listening on {server.Url.OriginalString.TrimEnd('/')} (API key in {keyNote}), target {url.OriginalString}");
            if (server.Station.Recovered.Count > 0)
            {
                Console.Out.WriteLine($"recovered {server.Station.Recovered.Count} unit(s) left unfinished by a previous run: recorded as interrupted, serial numbers returned.");
            }

            await Console.Out.FlushAsync(ct);
            try
            {
                await Task.Delay(Timeout.Infinite, stop.Token);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
            }

            return 0;
        });
        return command;
    }

    private static Command CreateLog()
    {
        var dir = DirOption();
        var csv = new Option<bool>("--csv") { Description = "Print the log as CSV." };
        var jsonl = new Option<bool>("--jsonl") { Description = "Print the log as JSON Lines (one record per line)." };
        var json = new Option<bool>("--json") { Description = "Print the log as one JSON array." };
        var rejected = new Option<bool>("--rejected") { Description = "Print only the records the cloud rejected, with its answer (a table, or --json)." };
        var command = new Command("log", "Print a station's programming log (a table by default; the upload column says where a cloud-connected unit's record is).");
        foreach (var option in new Option[] { dir, csv, jsonl, json, rejected }) command.Options.Add(option);
        CliAction.Set(command, async (parse, ct) =>
        {
            var state = StationState.Open(OpenDirectory(parse, dir));
            if (parse.GetValue(rejected))
            {
                if (parse.GetValue(csv) || parse.GetValue(jsonl)) throw new ImprintException("--rejected prints a table or --json; it does not combine with --csv or --jsonl.");
                await WriteRejectedAsync(state, parse.GetValue(json), ct);
                return 0;
            }

            var records = state.ReadLogAsync(ct);
            var stdout = Console.Out;
            if (parse.GetValue(csv)) await ProgrammingLogWriter.WriteCsvAsync(records, stdout, ct);
            else if (parse.GetValue(jsonl)) await ProgrammingLogWriter.WriteJsonLinesAsync(records, stdout, ct);
            else if (parse.GetValue(json)) CliAction.WriteJson(await records.ToListAsync(ct));
            else
            {
                var uploads = await state.ReadUploadStatesAsync(ct);
                await stdout.WriteLineAsync($"{"started (UTC)",-20} {"result",-11} {"upload",-8} {"image",-16} {"serials",-18} {"uid",-18} {"ms",7}  failure");
                await foreach (var r in records)
                {
                    var serials = string.Join(",", r.Serials.Select(s => s.Value.ToString(CultureInfo.InvariantCulture)));
                    var uid = r.Data.TryGetValue("uid", out var u) ? u : "";
                    var upload = r.Cloud is null ? "" : uploads.TryGetValue(r.Id, out var st) ? st.ToString().ToLowerInvariant() : "uploaded";
                    await stdout.WriteLineAsync(
                        $"{r.StartedAt.UtcDateTime,-20:yyyy-MM-dd HH:mm:ss} {r.Result.ToString().ToLowerInvariant(),-11} {upload,-8} {Clip(r.ImageName, 16),-16} {Clip(serials, 18),-18} {Clip(uid, 18),-18} {r.DurationMs,7:0}  {r.FailureStep}{(r.FailureMessage is null ? "" : ": " + r.FailureMessage)}");
                }
            }

            return 0;
        });
        return command;
    }

    private static async Task WriteRejectedAsync(StationState state, bool json, CancellationToken ct)
    {
        var rejected = await state.ListRejectedUploadsAsync(ct);
        if (json)
        {
            CliAction.WriteJson(rejected);
            return;
        }

        Console.WriteLine($"{"record",-26} {"started (UTC)",-20} {"rejected (UTC)",-20} {"status",6}  cloud's answer");
        foreach (var r in rejected)
        {
            Console.WriteLine($"{r.RecordId,-26} {r.StartedAt.UtcDateTime,-20:yyyy-MM-dd HH:mm:ss} {r.RejectedAt.UtcDateTime,-20:yyyy-MM-dd HH:mm:ss} {r.Status,6}  {r.Message}");
        }
    }

    private static Command CreateCounters()
    {
        var dir = DirOption();
        var json = new Option<bool>("--json") { Description = "Print one JSON document." };
        var command = new Command("counters", "Print a station's per-image counts and serial pools.");
        command.Options.Add(dir);
        command.Options.Add(json);
        CliAction.Set(command, async (parse, ct) =>
        {
            var counters = await StationState.Open(OpenDirectory(parse, dir)).GetCountersAsync(ct);
            if (parse.GetValue(json))
            {
                CliAction.WriteJson(counters);
                return 0;
            }

            Console.WriteLine($"{"image",-34} {"name",-20} {"passed",8} {"failed",8}  last unit (UTC)");
            foreach (var i in counters.Images)
            {
                Console.WriteLine($"{i.ImageId,-34} {Clip(i.Name, 20),-20} {i.Passed,8} {i.Failed,8}  {i.LastUnitAt?.UtcDateTime:yyyy-MM-dd HH:mm:ss}");
            }

            Console.WriteLine();
            Console.WriteLine($"{"serial pool",-20} {"next index",10} {"used",8} {"free",8} {"reserved",8}");
            foreach (var p in counters.Pools)
            {
                Console.WriteLine($"{Clip(p.Pool, 20),-20} {p.NextIndex,10} {p.Used,8} {p.Free,8} {p.Reserved,8}");
            }

            if (counters.Uploads.Queued + counters.Uploads.Rejected > 0)
            {
                Console.WriteLine();
                Console.WriteLine($"cloud uploads: {counters.Uploads.Queued} queued, {counters.Uploads.Rejected} rejected");
            }

            return 0;
        });
        return command;
    }

    private static Command CreateKeys()
    {
        var command = new Command("keys", "Manage a station's keys: customer encryption keys and trusted signers.");

        var addDir = DirOption();
        var files = new Argument<string[]>("file") { Description = "Key files: encryption keys (JSON) or signers' public keys (PEM).", Arity = ArgumentArity.OneOrMore };
        var addJson = new Option<bool>("--json") { Description = "Print one JSON document." };
        var add = new Command("add", "Add encryption keys or trusted signers' public keys.");
        add.Arguments.Add(files);
        add.Options.Add(addDir);
        add.Options.Add(addJson);
        CliAction.Set(add, (parse, _) =>
        {
            var store = new KeyStore(OpenDirectory(parse, addDir, StationNeeds.Nothing));
            var added = parse.GetValue(files)!.Select(store.Add).ToList();
            if (parse.GetValue(addJson)) CliAction.WriteJson(added.Select(View));
            else foreach (var k in added) Console.WriteLine($"added {KindText(k.Kind)} {k.Id}");
            return Task.FromResult(0);
        });

        var listDir = DirOption();
        var listJson = new Option<bool>("--json") { Description = "Print one JSON document." };
        var list = new Command("list", "List the keys a station holds (ids and fingerprints, never key material).");
        list.Options.Add(listDir);
        list.Options.Add(listJson);
        CliAction.Set(list, (parse, _) =>
        {
            var keys = new KeyStore(OpenDirectory(parse, listDir, StationNeeds.Folder)).List();
            if (parse.GetValue(listJson)) CliAction.WriteJson(keys.Select(View));
            else foreach (var k in keys) Console.WriteLine($"{KindText(k.Kind),-10} {k.Id}");
            return Task.FromResult(0);
        });

        var deleteDir = DirOption();
        var id = new Argument<string>("id") { Description = "The encryption key id or signer fingerprint." };
        var delete = new Command("delete", "Delete a key; images that need it stop being usable at once.");
        delete.Arguments.Add(id);
        delete.Options.Add(deleteDir);
        CliAction.Set(delete, (parse, _) =>
        {
            var key = new KeyStore(OpenDirectory(parse, deleteDir, StationNeeds.Folder)).Delete(parse.GetValue(id)!);
            Console.WriteLine($"deleted {KindText(key.Kind)} {key.Id}");
            return Task.FromResult(0);
        });

        command.Subcommands.Add(add);
        command.Subcommands.Add(list);
        command.Subcommands.Add(delete);
        return command;
    }

    private static object View(StationKey key) => new { kind = KindText(key.Kind), id = key.Id };

    private static string KindText(StationKeyKind kind) => kind == StationKeyKind.Encryption ? "encryption" : "signer";

    private enum StationNeeds
    {
        Nothing,
        Folder,
        Database,
    }

    private static string Clip(string text, int width) => text.Length <= width ? text : text[..(width - 1)] + "…";
}
