using System.CommandLine;
using Imprint.Station;
using Imprint.Station.State;

namespace Imprint.Cli.Commands;

/// <summary><c>imprint station requeue</c>: put records the cloud rejected back in the upload queue.</summary>
internal static class StationRequeueCommand
{
    public static Command Create()
    {
        var dir = new Option<string>("--dir", "--station-dir") { Description = "The station folder (default $IMPRINT_HOME/station or ~/.local/share/imprint/station)." };
        var ids = new Argument<string[]>("record-id") { Description = "Ids of records the cloud rejected (imprint station log --rejected).", Arity = ArgumentArity.OneOrMore };
        var command = new Command(
            "requeue",
            "Put records the cloud rejected back in the upload queue, once the cause is fixed in the cloud; they are uploaded at the station's next sync, unit or start.");
        command.Arguments.Add(ids);
        command.Options.Add(dir);
        CliAction.Set(command, async (parse, ct) =>
        {
            // Works beside a running daemon: the queue is a row in the station database, which the daemon re-reads.
            var path = Path.GetFullPath(parse.GetValue(dir) ?? StationDirectory.DefaultPath());
            if (!File.Exists(Path.Combine(path, "station.db")))
            {
                throw new StationException($"{path} holds no station (no station.db); give --dir.");
            }

            var state = StationState.Open(new StationDirectory(path));
            foreach (var id in parse.GetValue(ids)!)
            {
                await state.RequeueUploadAsync(id, ct);
                Console.WriteLine($"record {id} is queued for upload again.");
            }

            return 0;
        });
        return command;
    }
}
