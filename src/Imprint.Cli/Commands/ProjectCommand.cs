using System.CommandLine;
using Imprint.Devices;
using Imprint.Projects;

namespace Imprint.Cli.Commands;

/// <summary><c>imprint project new</c> and <c>imprint project validate</c>.</summary>
internal static class ProjectCommand
{
    private const string SampleFirmwareFolder = "samples/firmware/lm3s6965";

    public static Command Create()
    {
        var project = new Command("project", "Create and check project files (imprint.yaml).");
        project.Subcommands.Add(CreateNew());
        project.Subcommands.Add(CreateValidate());
        return project;
    }

    private static Command CreateNew()
    {
        var dir = new Argument<string>("dir") { Description = "The folder to create the project in.", DefaultValueFactory = _ => "." };
        var device = new Option<string>("--device") { Description = "The device (a name from `imprint device list`).", DefaultValueFactory = _ => "LM3S6965" };
        var name = new Option<string?>("--name") { Description = "The project's name (default: the folder's name)." };
        var firmware = new Option<string?>("--firmware") { Description = "The firmware file the project programs (default: the LM3S6965 sample's build output inside this repository, else firmware.hex)." };
        var force = new Option<bool>("--force") { Description = "Replace an existing imprint.yaml." };
        var devices = ProjectInput.DevicesOption();
        var command = new Command("new", "Write a commented starter project (imprint.yaml).") { dir, device, name, firmware, force, devices };
        CliAction.Set(command, async (parse, ct) =>
        {
            string folder = Path.GetFullPath(parse.GetValue(dir)!);
            string file = Path.Combine(folder, "imprint.yaml");
            if (File.Exists(file) && !parse.GetValue(force))
            {
                throw new ImprintException($"{file} already exists; pass --force to replace it.");
            }

            var catalog = DeviceCatalog.Load(parse.GetValue(devices));
            var part = catalog.Get(parse.GetValue(device)!);
            string firmwarePath = parse.GetValue(firmware) is { } given
                ? Path.GetRelativePath(folder, Path.GetFullPath(given))
                : DefaultFirmware(folder, part);
            string text = ProjectTemplate.Create(part, parse.GetValue(name) ?? new DirectoryInfo(folder).Name, firmwarePath.Replace('\\', '/'));

            Directory.CreateDirectory(folder);
            string temp = Path.Combine(folder, $".imprint.yaml.{Guid.NewGuid():N}.tmp");
            try
            {
                await File.WriteAllTextAsync(temp, text, ct);
                File.Move(temp, file, overwrite: true);
            }
            finally
            {
                File.Delete(temp);
            }

            Console.WriteLine($"wrote {file} for {part.Name} (firmware: {firmwarePath})");
            if (!File.Exists(Path.Combine(folder, firmwarePath)))
            {
                Console.WriteLine(firmwarePath.Contains(SampleFirmwareFolder, StringComparison.Ordinal)
                    ? $"  build the sample firmware first: {SampleFirmwareFolder}/build.sh"
                    : $"  put the firmware at {firmwarePath}, or edit the firmware list");
            }

            Console.WriteLine($"  check it with: imprint project validate {Path.GetRelativePath(Environment.CurrentDirectory, file)}");
            return 0;
        });
        return command;
    }

    private static Command CreateValidate()
    {
        var input = new Argument<string>("project") { Description = "The project file (imprint.yaml) or object bundle (.impobj)." };
        var devices = ProjectInput.DevicesOption();
        var json = new Option<bool>("--json") { Description = "Print one JSON document." };
        var command = new Command("validate", "Check a project against its device and inputs, listing every problem.") { input, devices, json };
        CliAction.Set(command, async (parse, ct) =>
        {
            bool asJson = parse.GetValue(json);
            ProjectInput source;
            ResolvedProject resolved;
            try
            {
                source = await ProjectInput.LoadAsync(parse.GetValue(input)!, parse.GetValue(devices), ct);
                resolved = await source.ResolveAsync(source.Project, ct);
            }
            catch (ProjectException ex) when (asJson)
            {
                CliAction.WriteJson(new
                {
                    valid = false,
                    errors = ex.Errors.Select(e => new { field = e.FieldPath, problem = e.Problem, line = e.Line, message = e.Format(ex.FileName) }),
                });
                return 1;
            }
            catch (ProjectException ex)
            {
                return await ProjectInput.ReportAsync(ex);
            }

            var spec = resolved.Spec;
            if (asJson)
            {
                CliAction.WriteJson(new
                {
                    valid = true,
                    name = spec.Name,
                    type = spec.Type == ImageType.Job ? "job" : "sap",
                    device = spec.Device.Name,
                    steps = spec.Script.Count,
                    serials = spec.Serials.Count,
                    dynamicSlots = spec.DynamicSlots.Count,
                    firmwareBytes = resolved.Firmware.TotalBytes,
                    sections = resolved.Sections.Count,
                });
                return 0;
            }

            Console.WriteLine($"{source.Project.DisplayName}: valid ({spec.Type.ToString().ToUpperInvariant()} for {spec.Device.Name}, {spec.Script.Count} steps, {resolved.Firmware.TotalBytes} bytes of firmware in {resolved.Firmware.SegmentCount} segment{(resolved.Firmware.SegmentCount == 1 ? "" : "s")})");
            return 0;
        });
        return command;
    }

    // Inside this repository the LM3S6965 starter points at the sample firmware's build output.
    private static string DefaultFirmware(string folder, Device device)
    {
        if (string.Equals(device.Name, "LM3S6965", StringComparison.OrdinalIgnoreCase))
        {
            for (var dir = new DirectoryInfo(folder); dir is not null; dir = dir.Parent)
            {
                string sample = Path.Combine(dir.FullName, SampleFirmwareFolder);
                if (Directory.Exists(sample)) return Path.GetRelativePath(folder, Path.Combine(sample, "build", "firmware.elf"));
            }
        }

        return "firmware.hex";
    }
}
