using System.CommandLine;
using Imprint.Station;
using Imprint.Station.Execution;
using Imprint.Station.Records;
using Spectre.Console;

namespace Imprint.Cli.Commands;

/// <summary><c>imprint program IMAGE --target URL</c>: a one-shot local station.</summary>
internal static class ProgramCommand
{
    /// <summary>The exit code when a unit failed (errors and refusals exit 1).</summary>
    public const int UnitFailed = 2;

    public static Command Create()
    {
        var image = new Argument<string>("image") { Description = "The image file (.imp)." };
        var target = new Option<string>("--target") { Description = "The target: gdb://HOST:PORT or virtual://DEVICE[?seed=N].", Required = true };
        var data = new Option<string[]>("--data") { Description = "Dynamic data for a slot, NAME=HEX (repeat for several slots).", AllowMultipleArgumentsPerToken = false };
        var stationDir = new Option<string>("--station-dir") { Description = "The station folder that keeps keys, counters and the log between calls (default $IMPRINT_HOME/station or ~/.local/share/imprint/station)." };
        var count = new Option<int>("--count") { Description = "How many units to program, one after another; stops at the first failure.", DefaultValueFactory = _ => 1 };
        var keys = new Option<string[]>("--key") { Description = "A key file to add to the station first: an encryption key, or a signer's public key to trust (repeatable)." };
        var trustAny = new Option<bool>("--trust-any-signer") { Description = "Program images signed by any key (by default only signers in the station's keys)." };
        var json = new Option<bool>("--json") { Description = "Print one JSON document with every record." };
        var command = new Command("program", "Program one or more units with an image, as a one-shot local station.");
        command.Arguments.Add(image);
        foreach (var option in new Option[] { target, data, stationDir, count, keys, trustAny, json }) command.Options.Add(option);
        CliAction.Set(command, async (parse, ct) =>
        {
            int units = parse.GetValue(count);
            if (units < 1) throw new ImprintException($"--count {units} must be at least 1.");
            var dynamicData = DynamicDataOption.Parse(parse.GetValue(data));
            if (!Uri.TryCreate(parse.GetValue(target), UriKind.Absolute, out var url))
            {
                throw new ImprintException($"--target '{parse.GetValue(target)}' is not a URL; use gdb://HOST:PORT or virtual://DEVICE.");
            }

            await using var station = await Station.Station.OpenAsync(new StationOptions
            {
                Directory = parse.GetValue(stationDir) ?? StationDirectory.DefaultPath(),
                TrustAnySigner = parse.GetValue(trustAny),
                OpenTarget = StationTargets.OpenAsync,
            }, ct);
            foreach (var file in parse.GetValue(keys) ?? []) station.Keys.Add(file);
            if (station.Recovered.Count > 0)
            {
                await Console.Error.WriteLineAsync(
                    $"note: {station.Recovered.Count} unit(s) left unfinished by a previous run were recorded as interrupted; their serial numbers were returned.");
            }

            var stored = await station.Images.AddAsync(parse.GetValue(image)!, ct);
            bool asJson = parse.GetValue(json);
            var output = asJson ? UnitOutput.Json : Console.IsOutputRedirected ? UnitOutput.Plain : UnitOutput.Terminal;
            var records = new List<ProgrammingRecord>();
            for (int i = 0; i < units; i++)
            {
                var record = await ProgramOneAsync(station, stored.ImageId, url, dynamicData, output, i + 1, units, ct);
                records.Add(record);
                if (record.Result != UnitResult.Pass) break;
            }

            int passed = records.Count(r => r.Result == UnitResult.Pass);
            if (asJson)
            {
                CliAction.WriteJson(new
                {
                    station = station.Identity.Id,
                    stationDir = station.Directory.Path,
                    imageId = stored.ImageId,
                    passed,
                    failed = records.Count - passed,
                    units = records,
                });
            }
            else
            {
                Console.WriteLine($"{passed} of {units} unit(s) passed; log and counters in {station.Directory.Path} (imprint station log --dir {station.Directory.Path}).");
            }

            return passed == records.Count && records.Count == units ? 0 : UnitFailed;
        });
        return command;
    }

    private static async Task<ProgrammingRecord> ProgramOneAsync(
        Station.Station station, string imageId, Uri url, Dictionary<string, byte[]> data, UnitOutput output, int number, int total, CancellationToken ct)
    {
        ProgrammingRecord record;
        switch (output)
        {
            case UnitOutput.Terminal:
                record = null!;
                await AnsiConsole.Progress()
                    .AutoClear(false)
                    .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
                    .StartAsync(async context =>
                    {
                        var tasks = new Dictionary<int, ProgressTask>();
                        var progress = new InlineProgress<UnitProgress>(e =>
                        {
                            if (!tasks.TryGetValue(e.StepIndex, out var task))
                            {
                                task = context.AddTask($"unit {number}/{total} · {e.StepIndex}/{e.StepCount} {Markup.Escape(e.Step)}", maxValue: 1);
                                tasks[e.StepIndex] = task;
                            }

                            switch (e.Phase)
                            {
                                case StepPhase.Running when e.Total > 0:
                                    task.MaxValue = e.Total;
                                    task.Value = e.Done;
                                    break;
                                case StepPhase.Finished:
                                    task.Value = task.MaxValue;
                                    task.StopTask();
                                    break;
                                case StepPhase.Failed:
                                    task.Description = $"[red]{Markup.Escape($"unit {number}/{total} · {e.StepIndex}/{e.StepCount} {e.Step} failed")}[/]";
                                    task.StopTask();
                                    break;
                            }
                        });
                        record = await station.ProgramAsync(imageId, url, data, progress, ct);
                    });
                break;

            case UnitOutput.Plain:
                var plain = new InlineProgress<UnitProgress>(e =>
                {
                    if (e.Phase is StepPhase.Finished or StepPhase.Failed)
                    {
                        var outcome = e.Phase == StepPhase.Finished ? "ok" : "FAILED: " + e.Message;
                        Console.WriteLine($"unit {number}/{total} step {e.StepIndex}/{e.StepCount} {e.Step}: {outcome} ({e.ElapsedMs:0.0} ms)");
                    }
                });
                record = await station.ProgramAsync(imageId, url, data, plain, ct);
                break;

            default:
                record = await station.ProgramAsync(imageId, url, data, null, ct);
                break;
        }

        if (output != UnitOutput.Json) Console.WriteLine(Summary(record, number, total));
        return record;
    }

    private static string Summary(ProgrammingRecord r, int number, int total)
    {
        var serials = string.Join(", ", r.Serials.Select(s => $"{s.Name}={s.Value}"));
        var uid = r.Data.TryGetValue("uid", out var u) ? $" uid {u}" : "";
        return r.Result == UnitResult.Pass
            ? $"unit {number}/{total} PASS {r.Id}{(serials.Length > 0 ? " " + serials : "")}{uid} in {r.DurationMs:0} ms"
            : $"unit {number}/{total} {r.Result.ToString().ToUpperInvariant()} {r.Id} at step {r.FailureStep}: {r.FailureMessage}";
    }

    private enum UnitOutput
    {
        Terminal,
        Plain,
        Json,
    }
}

/// <summary>Reports on the caller's thread, in order.</summary>
internal sealed class InlineProgress<T>(Action<T> handler) : IProgress<T>
{
    public void Report(T value) => handler(value);
}
