using System.CommandLine;
using Imprint.Station;

namespace Imprint.Cli.Commands;

/// <summary><c>imprint station provision</c>: register a station with a cloud so it can program cloud-connected (JOB) images.</summary>
internal static class StationProvisionCommand
{
    public static Command Create()
    {
        var dir = new Option<string>("--dir", "--station-dir") { Description = "The station folder (default $IMPRINT_HOME/station or ~/.local/share/imprint/station)." };
        var cloud = new Option<string>("--cloud") { Description = "The cloud's base URL.", Required = true };
        var token = new Option<string>("--token") { Description = "A one-time provisioning token (imprint cloud station provision-token).", Required = true };
        var name = new Option<string>("--name") { Description = "The name the station shows in the cloud (default: its local id)." };
        var json = new Option<bool>("--json") { Description = "Print one JSON document." };
        var command = new Command("provision", "Register this station's public key with a cloud; the settings are kept in the station folder (cloud.json).");
        command.Options.Add(dir);
        command.Options.Add(cloud);
        command.Options.Add(token);
        command.Options.Add(name);
        command.Options.Add(json);
        CliAction.Set(command, async (parse, ct) =>
        {
            if (!Uri.TryCreate(parse.GetValue(cloud), UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
            {
                throw new StationException($"--cloud '{parse.GetValue(cloud)}' is not an http or https URL.");
            }

            await using var station = await Station.Station.OpenAsync(new StationOptions { Directory = parse.GetValue(dir) ?? StationDirectory.DefaultPath() }, ct);
            var settings = await station.ProvisionAsync(url, parse.GetValue(token)!, parse.GetValue(name), ct);
            if (parse.GetValue(json))
            {
                CliAction.WriteJson(settings);
                return 0;
            }

            Console.WriteLine($"station {station.Identity.Id} is provisioned with {settings.CloudUrl} as {settings.StationId} (account {settings.AccountId}, factory {settings.FactoryId}).");
            return 0;
        });
        return command;
    }
}
