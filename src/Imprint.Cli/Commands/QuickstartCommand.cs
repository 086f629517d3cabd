using System.CommandLine;

namespace Imprint.Cli.Commands;

internal static class QuickstartCommand
{
    public static Command Create()
    {
        var command = new Command("quickstart", "Run the whole story on embedded defaults: keys, a sample project, an image, a virtual target, a few units.");
        CliAction.Set(command, (_, _) =>
        {
            // Honest placeholder until the station lands: say what will happen, do not pretend.
            Console.WriteLine("""
                Imprint quickstart is not complete yet. When the station lands it will:
                  1. create signing and encryption keys under .imprint/quickstart,
                  2. write a sample project for the QEMU LM3S6965 board and build a SAP image,
                  3. start a virtual target and program a few units with serial numbers,
                  4. print the records (serial, UID, result, time) and where the log lives.
                What works today: `./imprint fw info FILE` and `./imprint fw convert IN... -o OUT`.
                """);
            return Task.FromResult(0);
        });
        return command;
    }
}
