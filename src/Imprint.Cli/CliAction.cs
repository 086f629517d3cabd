using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Imprint.Cli;

/// <summary>
/// Runs a command's body with the CLI's error contract: a user's mistake
/// (<see cref="ImprintException"/>) prints one sentence to stderr and exits 1, never a stack trace.
/// </summary>
internal static class CliAction
{
    public static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    public static void Set(Command command, Func<ParseResult, CancellationToken, Task<int>> body) =>
        command.SetAction(async (parse, ct) =>
        {
            try
            {
                return await body(parse, ct);
            }
            catch (ImprintException ex)
            {
                await Console.Error.WriteLineAsync("error: " + ex.Message);
                return 1;
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                await Console.Error.WriteLineAsync("error: cancelled.");
                return 130;
            }
            catch (IOException ex)
            {
                // File-system failures (missing file, disk full, permission) are the user's
                // environment, not a bug: the BCL message already names the path.
                await Console.Error.WriteLineAsync("error: " + ex.Message);
                return 1;
            }
            catch (UnauthorizedAccessException ex)
            {
                await Console.Error.WriteLineAsync("error: " + ex.Message);
                return 1;
            }
        });

    public static void WriteJson<T>(T value) => Console.Out.WriteLine(JsonSerializer.Serialize(value, Json));
}
