using System.CommandLine;
using System.Runtime.InteropServices;
using Imprint.Devices;
using Imprint.Targets.Virtual;

namespace Imprint.Cli.Commands;

/// <summary><c>imprint target …</c>: targets Imprint serves itself.</summary>
internal static class TargetCommand
{
    public static Command Create()
    {
        var command = new Command("target", "Run targets: the virtual microcontroller with its GDB server.");
        command.Subcommands.Add(CreateVirtual());
        return command;
    }

    private static Command CreateVirtual()
    {
        var device = new Option<string>("--device") { Description = "The device to simulate (a name from the device catalog).", Required = true };
        var port = new Option<int>("--gdb-port") { Description = "The TCP port of the GDB server on 127.0.0.1 (0 picks a free one).", Required = true };
        var seed = new Option<ulong>("--seed") { Description = "The seed of the part's unique ID (equal seeds, equal IDs).", DefaultValueFactory = _ => 0 };
        var command = new Command("virtual", "Run a virtual microcontroller with a GDB server in the foreground until Ctrl-C.");
        command.Options.Add(device);
        command.Options.Add(port);
        command.Options.Add(seed);
        CliAction.Set(command, async (parse, ct) =>
        {
            int gdbPort = parse.GetValue(port);
            if (gdbPort is < 0 or > 65535)
            {
                throw new ImprintException($"--gdb-port {gdbPort} is not a TCP port; use 0 to 65535.");
            }

            var part = DeviceCatalog.Load(null).Get(parse.GetValue(device)!);
            var mcu = new VirtualMcu(part, parse.GetValue(seed));
            // Ctrl-C arrives as the command's cancellation; SIGTERM (a service manager stopping
            // it) must end it just as cleanly. Both are handled before the line that tells a
            // script the server is up.
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
            var server = VirtualGdbServer.Start(mcu, gdbPort);
            Console.Out.WriteLine($"virtual {part.Name} listening on {server.Url.OriginalString}");
            await Console.Out.FlushAsync(ct);
            try
            {
                await Task.WhenAny(server.Completion, Task.Delay(Timeout.Infinite, stop.Token));
            }
            finally
            {
                await server.DisposeAsync();
            }

            return 0;
        });
        return command;
    }
}
