using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Imprint.Devices;
using Imprint.Images;
using Imprint.Keys;
using Imprint.Projects;
using Imprint.Station;
using Imprint.Station.Records;

namespace Imprint.Cli.Commands;

/// <summary>
/// <c>imprint quickstart</c>: the whole story on embedded defaults, on a fresh clone: keys, a
/// sample project, a signed and encrypted SAP image, a virtual target, a few units, the log.
/// </summary>
internal static class QuickstartCommand
{
    public static Command Create()
    {
        var units = new Option<int>("--units") { Description = "How many units to program.", DefaultValueFactory = _ => 5 };
        var dir = new Option<string>("--dir") { Description = "Where to keep the quickstart's files (default: .imprint/quickstart in the repository)." };
        var device = new Option<string>("--device")
        {
            Description = "The device: LM3S6965 uses the sample firmware; another catalog part gets a generated firmware.",
            DefaultValueFactory = _ => "LM3S6965",
        };
        var command = new Command("quickstart", "Run the whole story on embedded defaults: keys, a sample project, an image, a virtual target, a few units.");
        command.Options.Add(units);
        command.Options.Add(dir);
        command.Options.Add(device);
        CliAction.Set(command, async (parse, ct) =>
        {
            int count = parse.GetValue(units);
            if (count is < 1 or > 10_000) throw new ImprintException($"--units {count} must be between 1 and 10000.");
            var clock = Stopwatch.StartNew();
            var root = RepositoryRoot();
            var home = Path.GetFullPath(parse.GetValue(dir) ?? Path.Combine(root ?? Directory.GetCurrentDirectory(), ".imprint", "quickstart"));
            var part = DeviceCatalog.BuiltIn.Get(parse.GetValue(device)!);
            Directory.CreateDirectory(home);
            Console.WriteLine($"Imprint quickstart in {home}");

            // 1. Keys: the IP owner's signing key and a customer encryption key.
            var keys = Directory.CreateDirectory(Path.Combine(home, "keys")).FullName;
            var signingPath = Path.Combine(keys, "signing.key");
            if (!File.Exists(signingPath))
            {
                using var created = SigningKey.Create();
                created.Save(signingPath);
                created.PublicKey.Save(Path.Combine(keys, "signing.pub"));
            }

            var customerPath = Path.Combine(keys, "customer.key");
            if (!File.Exists(customerPath)) EncryptionKey.Create("k-quickstart").Save(customerPath);
            using var signing = SigningKey.Load(signingPath);
            var customer = EncryptionKey.Load(customerPath);
            Console.WriteLine($"1. keys         signing key {signing.Fingerprint} and customer encryption key {customer.Id} in {keys}");

            // 2. A sample project with its firmware.
            var projectDir = Directory.CreateDirectory(Path.Combine(home, "project")).FullName;
            var (firmwareEntry, firmwareNote) = await FirmwareAsync(root, part, projectDir, ct);
            var projectPath = Path.Combine(projectDir, "imprint.yaml");
            await File.WriteAllTextAsync(projectPath, ProjectYaml(part, firmwareEntry), ct);
            Console.WriteLine($"2. project      {projectPath} for {part.Name}; firmware: {firmwareNote}");

            // 3. A stand-alone image, signed and encrypted with the customer key.
            var project = ProjectReader.Load(projectPath);
            ResolvedProject resolved;
            try
            {
                resolved = await project.ResolveAsync(DeviceCatalog.BuiltIn, ct);
            }
            catch (ProjectException ex)
            {
                return await ProjectInput.ReportAsync(ex);
            }

            var imagePath = Path.Combine(home, "quickstart.imp");
            var build = new BuildInfo(DateTimeOffset.UtcNow, "imprint quickstart", Environment.UserName);
            var imageId = await ImageWriter.WriteAsync(new ImageContent(resolved.Spec, resolved.Sections, build), imagePath, signing, customer, ct);
            Console.WriteLine($"3. image        {imagePath}: SAP image {imageId}, {resolved.Firmware.TotalBytes} firmware bytes, signed, encrypted with {customer.Id}");

            // 4 and 5. A station that trusts the signer and holds the customer key; a virtual target.
            var stationDir = Path.Combine(home, "station");
            await using var station = await Station.Station.OpenAsync(new StationOptions { Directory = stationDir, OpenTarget = StationTargets.OpenAsync }, ct);
            station.Keys.Add(signing.PublicKey);
            station.Keys.Add(customer);
            await station.Images.AddAsync(imagePath, ct);
            var target = new Uri("virtual://" + part.Name);
            Console.WriteLine($"4. station      {station.Identity.Id} in {stationDir} (trusts the signer, holds {customer.Id})");
            Console.WriteLine($"5. target       {target.OriginalString}: the built-in virtual {part.Name}, in process; each unit is a fresh part with its own seed");
            Console.WriteLine($"6. programming  {count} unit(s)…");
            var records = new List<ProgrammingRecord>();
            for (int i = 0; i < count; i++)
            {
                records.Add(await station.ProgramAsync(imageId.ToString(), target, null, null, ct));
            }

            Console.WriteLine();
            Console.WriteLine($"  {"#",3}  {"serial",8}  {"UID / part id",-44}  {"result",-6}  {"time",8}  record");
            for (int i = 0; i < records.Count; i++)
            {
                var r = records[i];
                var serial = r.Serials.FirstOrDefault()?.Value.ToString(CultureInfo.InvariantCulture) ?? "-";
                var uid = !r.Data.TryGetValue("uid", out var u) ? "-" : part.UniqueId is null ? $"{u} ({Seed(r.Target)})" : u;
                var result = r.Result == UnitResult.Pass ? "pass" : "FAIL";
                Console.WriteLine($"  {i + 1,3}  {serial,8}  {uid,-44}  {result,-6}  {r.DurationMs,6:0} ms  {r.Id}{(r.FailureMessage is null ? "" : "  " + r.FailureMessage)}");
            }

            Console.WriteLine();
            if (part.UniqueId is null) Console.WriteLine($"  ({part.Name} has no factory unique ID; read-data uid gives its DID0 and DID1 registers, the same on every part; the virtual part's seed tells units apart.)");
            Console.WriteLine($"State:   {stationDir} (keys, images as delivered, station.db with counters, serial pools and the log)");
            Console.WriteLine($"Log:     ./imprint station log --dir {stationDir}   (--csv, --jsonl)");
            Console.WriteLine($"Counts:  ./imprint station counters --dir {stationDir}");
            Console.WriteLine($"Again:   ./imprint program {imagePath} --target {target.OriginalString} --station-dir {stationDir} --count 3");
            Console.WriteLine($"Done in {clock.Elapsed.TotalSeconds:0.0} s.");
            return records.All(r => r.Result == UnitResult.Pass) ? 0 : ProgramCommand.UnitFailed;
        });
        return command;
    }

    private static string Seed(string target)
    {
        int at = target.IndexOf("seed=", StringComparison.Ordinal);
        return at < 0 ? target : "seed " + target[(at + 5)..];
    }

    private static string? RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Imprint.slnx"))) return dir.FullName;
        }

        return null;
    }

    // The sample firmware built with arm-none-eabi-gcc when the toolchain and the sources are
    // here; otherwise a generated image (a vector table and a pattern) said to be one.
    private static async Task<(string Entry, string Note)> FirmwareAsync(string? root, Device part, string projectDir, CancellationToken ct)
    {
        var script = root is null ? null : Path.Combine(root, "samples", "firmware", "lm3s6965", "build.sh");
        if (part.Name == "LM3S6965" && script is not null && File.Exists(script) && OnPath("arm-none-eabi-gcc"))
        {
            var output = Path.Combine(projectDir, "firmware");
            var psi = new ProcessStartInfo("bash") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
            psi.ArgumentList.Add(script);
            psi.ArgumentList.Add(output);
            using var process = Process.Start(psi)!;
            var errors = process.StandardError.ReadToEndAsync(ct);
            await process.StandardOutput.ReadToEndAsync(ct);
            await process.WaitForExitAsync(ct);
            if (process.ExitCode == 0)
            {
                return ("    - path: \"firmware/firmware.elf\"\n", $"the sample firmware built with arm-none-eabi-gcc ({Path.Combine(output, "firmware.elf")})");
            }

            Console.Error.WriteLine($"note: building the sample firmware failed, using a generated image instead: {(await errors).Trim()}");
        }

        var flash = part.FlashRegions.First(r => r.Kind == MemoryKind.Flash);
        var bytes = new byte[16 * 1024];
        new Random(6965).NextBytes(bytes);
        BitConverter.TryWriteBytes(bytes.AsSpan(0), 0x2000_8000u);
        BitConverter.TryWriteBytes(bytes.AsSpan(4), (uint)flash.Start + 0x101u);
        await File.WriteAllBytesAsync(Path.Combine(projectDir, "firmware.bin"), bytes, ct);
        var why = part.Name == "LM3S6965" ? "arm-none-eabi-gcc or the sample sources not found" : $"the sample firmware is for LM3S6965, not {part.Name}";
        return ($"    - path: \"firmware.bin\"\n      format: bin\n      base: 0x{flash.Start:X8}\n", $"a generated 16 KiB image ({why})");
    }

    private static bool OnPath(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator).Any(d => d.Length > 0 && File.Exists(Path.Combine(d, tool)));

    private static string ProjectYaml(Device part, string firmwareEntry)
    {
        var flash = part.FlashRegions.First(r => r.Kind == MemoryKind.Flash);
        // The sample firmware prints the word at 0x0003F000 (its linker script keeps that 4 KiB free).
        var (serialSector, sectorSize) = flash.SectorAt(part.Name == "LM3S6965" ? 0x3_F000 : flash.End - 1);
        var readId = part.UniqueId is not null || part.IdRegisters.Count > 0 ? "  - read-data: uid\n" : "";
        var eraseSerial = $"  - erase: {{ mode: range, address: 0x{serialSector:X8}, length: 0x{sectorSize:X} }}";
        return $"""
            # Written by `imprint quickstart`: a stand-alone image for {part.Name} with a serial number
            # in the last flash sector (where the sample firmware prints it from).
            name: "quickstart"
            description: "Imprint quickstart"
            type: sap
            device: {part.Name}
            connection:
              interface: swd
              clockKhz: 4000
            power:
              voltage: 3.3
              powerOnDelayMs: 0
              powerOffAfter: false
            firmware:
            {firmwareEntry}serials:
              - name: sn
                pool: quickstart
                address: 0x{serialSector:X8}
                width: 4
                encoding: binary-le
                start: 1
                step: 1
            script:
              - power: true
              - erase: sectors
            {eraseSerial}
              - program
              - verify: readback
              - program-serial: sn
            {readId}  - reset

            """;
    }
}
