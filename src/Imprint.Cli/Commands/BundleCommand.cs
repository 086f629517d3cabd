using System.CommandLine;
using Imprint.Devices;
using Imprint.Projects;

namespace Imprint.Cli.Commands;

/// <summary><c>imprint bundle</c>: a project and all its inputs into a non-executable object bundle.</summary>
internal static class BundleCommand
{
    public static Command Create()
    {
        var input = new Argument<string>("project") { Description = "The project file (imprint.yaml)." };
        var output = new Option<string>("--output", "-o") { Description = "The bundle to write (.impobj, atomically).", Required = true };
        var devices = ProjectInput.DevicesOption();
        var json = new Option<bool>("--json") { Description = "Print one JSON document." };
        var command = new Command("bundle", "Check a project and keep it with every input in an object bundle, to rebuild its image later.")
        {
            input, output, devices, json,
        };
        CliAction.Set(command, async (parse, ct) =>
        {
            string path = parse.GetValue(input)!;
            if (Directory.Exists(path)) path = Path.Combine(path, "imprint.yaml");
            if (!File.Exists(path)) throw new ImprintException($"{path}: no such project file.");
            var project = ProjectReader.Load(path);
            string outPath = parse.GetValue(output)!;
            BundleManifest manifest;
            try
            {
                manifest = await ObjectBundle.WriteAsync(project, DeviceCatalog.Load(parse.GetValue(devices)), outPath, TimeProvider.System, ct);
            }
            catch (ProjectException ex)
            {
                return await ProjectInput.ReportAsync(ex);
            }

            long size = new FileInfo(outPath).Length;
            if (parse.GetValue(json))
            {
                CliAction.WriteJson(new { bundle = outPath, bytes = size, manifest });
                return 0;
            }

            Console.WriteLine($"bundled {manifest.ProjectFile} ({manifest.ProjectName}, device {manifest.DeviceName}) and {manifest.Files.Count} input file{(manifest.Files.Count == 1 ? "" : "s")} into {outPath} ({size} bytes)");
            foreach (var f in manifest.Files) Console.WriteLine($"  {f.Field,-20} {f.Path}  {f.Length} bytes  sha256 {f.Sha256[..16]}…");
            return 0;
        });
        return command;
    }
}
