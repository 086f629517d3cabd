using System.CommandLine;
using Imprint.Station;
using Imprint.Station.Cloud;
using CloudApiException = Imprint.Sdk.Cloud.CloudApiException;

namespace Imprint.Cli.Commands;

/// <summary><c>imprint station sync</c>: upload the queued records and fetch the images of the station's jobs from its cloud, once.</summary>
internal static class StationSyncCommand
{
    public static Command Create()
    {
        var dir = new Option<string>("--dir", "--station-dir") { Description = "The station folder (default $IMPRINT_HOME/station or ~/.local/share/imprint/station)." };
        var trustAny = new Option<bool>("--trust-any-signer") { Description = "Report images signed by any key as usable (by default only signers in the station's keys)." };
        var json = new Option<bool>("--json") { Description = "Print one JSON document." };
        var command = new Command(
            "sync",
            "Upload the records waiting for the cloud, then download the images of the active jobs this station is authorized for that it does not hold yet. Exit 2 when an image could not be fetched.");
        command.Options.Add(dir);
        command.Options.Add(trustAny);
        command.Options.Add(json);
        CliAction.Set(command, async (parse, ct) =>
        {
            var path = Path.GetFullPath(parse.GetValue(dir) ?? StationDirectory.DefaultPath());
            if (!File.Exists(Path.Combine(path, "cloud.json")))
            {
                throw new StationException($"{path} holds no provisioned station (no cloud.json); run imprint station provision first, or give --dir.");
            }

            // Opening the station uploads what is queued if it can; the explicit upload below says what happened.
            await using var station = await Station.Station.OpenAsync(new StationOptions { Directory = path, TrustAnySigner = parse.GetValue(trustAny) }, ct);
            var link = station.Cloud!;
            UploadReport? uploads = null;
            string? uploadError = null;
            try
            {
                uploads = await link.UploadPendingAsync(ct);
            }
            catch (Exception ex) when (ex is HttpRequestException or CloudApiException || (ex is TaskCanceledException && !ct.IsCancellationRequested))
            {
                uploadError = ex is CloudApiException refused ? $"the cloud refused the upload ({(int)refused.Status}: {refused.Message.TrimEnd('.')})" : $"the cloud cannot be reached ({ex.Message.TrimEnd('.')})";
            }

            var images = await link.SyncImagesAsync(ct);
            var queued = await station.State.CountPendingUploadsAsync(ct);
            var rejected = await station.State.ListRejectedUploadsAsync(ct);
            if (parse.GetValue(json))
            {
                CliAction.WriteJson(new { images = images.Jobs, uploads = new { uploaded = uploads?.Uploaded, error = uploadError, queued, rejected } });
            }
            else
            {
                foreach (var job in images.Jobs)
                {
                    Console.WriteLine($"{job.Outcome.ToString().ToLowerInvariant(),-8} {job.JobId}  {job.Reason}");
                }

                if (images.Jobs.Count == 0) Console.WriteLine("no job is authorized for this station.");
                foreach (var r in uploads?.Rejected ?? []) Console.WriteLine($"rejected record {r.RecordId}: the cloud answered {r.Status}: {r.Message}");
                Console.WriteLine(uploadError is null
                    ? $"records: {uploads!.Uploaded} uploaded, {queued} queued, {rejected.Count} rejected."
                    : $"records: {queued} stay queued because {uploadError}; {rejected.Count} rejected.");
                if (rejected.Count > 0) Console.WriteLine("see them with imprint station log --rejected; put one back with imprint station requeue RECORD-ID.");
            }

            return images.Failed > 0 ? 2 : 0;
        });
        return command;
    }
}
