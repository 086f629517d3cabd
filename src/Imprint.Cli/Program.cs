using System.CommandLine;
using Imprint.Cli.Commands;

var root = new RootCommand("Imprint: production programming for microcontrollers.");
root.Subcommands.Add(FwCommand.Create());
root.Subcommands.Add(QuickstartCommand.Create());
root.Subcommands.Add(CloudCommand.Create());
return await root.Parse(args).InvokeAsync();
