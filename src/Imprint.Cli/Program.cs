using System.CommandLine;
using Imprint.Cli.Commands;

var root = new RootCommand("Imprint: production programming for microcontrollers.");
root.Subcommands.Add(FwCommand.Create());
root.Subcommands.Add(DeviceCommand.Create());
root.Subcommands.Add(QuickstartCommand.Create());
root.Subcommands.Add(ProgramCommand.Create());
root.Subcommands.Add(StationCommand.Create());
root.Subcommands.Add(TargetCommand.Create());
root.Subcommands.Add(ProjectCommand.Create());
root.Subcommands.Add(BuildCommand.Create());
root.Subcommands.Add(BundleCommand.Create());
root.Subcommands.Add(KeysCommand.Create());
root.Subcommands.Add(ImageCommand.Create());
root.Subcommands.Add(CloudCommand.Create());
return await root.Parse(args).InvokeAsync();
