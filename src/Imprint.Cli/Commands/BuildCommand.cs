using System.CommandLine;
using System.Globalization;
using Imprint.Images;
using Imprint.Keys;
using Imprint.Projects;

namespace Imprint.Cli.Commands;

/// <summary><c>imprint build</c>: a project file or object bundle into a signed (optionally encrypted) image.</summary>
internal static class BuildCommand
{
    public static Command Create()
    {
        var input = new Argument<string>("project") { Description = "The project file (imprint.yaml) or object bundle (.impobj)." };
        var output = new Option<string>("--output", "-o") { Description = "The image file to write (atomically).", Required = true };
        var type = new Option<string?>("--type") { Description = "Build a stand-alone (sap) or cloud-connected (job) image instead of the project's type." };
        type.AcceptOnlyFromAmong("sap", "job");
        var signKey = new Option<string?>("--sign-key") { Description = "The signing key (default: $IMPRINT_HOME/keys/signing.key, created on first use)." };
        var encryptKey = new Option<string?>("--encrypt-key") { Description = "Encrypt the image with this customer encryption key." };
        var maxCount = new Option<long?>("--max-count") { Description = "Override restrictions.maxCount." };
        var validFrom = new Option<string?>("--valid-from") { Description = "Override restrictions.validFrom (2025-06-30 or an ISO 8601 date and time)." };
        var validUntil = new Option<string?>("--valid-until") { Description = "Override restrictions.validUntil (a bare date includes the whole day)." };
        var account = new Option<string?>("--cloud-account") { Description = "Override cloud.account (JOB)." };
        var factory = new Option<string?>("--cloud-factory") { Description = "Override cloud.factory (JOB)." };
        var url = new Option<string?>("--cloud-url") { Description = "Override cloud.url (JOB)." };
        var devices = ProjectInput.DevicesOption();
        var json = new Option<bool>("--json") { Description = "Print one JSON document." };
        var command = new Command("build", "Check a project and build its programming image; a bundle regenerates it with a new id.")
        {
            input, output, type, signKey, encryptKey, maxCount, validFrom, validUntil, account, factory, url, devices, json,
        };
        CliAction.Set(command, async (parse, ct) =>
        {
            var source = await ProjectInput.LoadAsync(parse.GetValue(input)!, parse.GetValue(devices), ct);
            var overrides = new ProjectOverrides(
                parse.GetValue(type) switch { "sap" => ImageType.Sap, "job" => ImageType.Job, _ => null },
                parse.GetValue(maxCount),
                Date(parse.GetValue(validFrom), "--valid-from", endOfDay: false),
                Date(parse.GetValue(validUntil), "--valid-until", endOfDay: true),
                parse.GetValue(account),
                parse.GetValue(factory),
                parse.GetValue(url));

            ResolvedProject resolved;
            try
            {
                resolved = await source.ResolveAsync(overrides.ApplyTo(source.Project), ct);
            }
            catch (ProjectException ex)
            {
                return await ProjectInput.ReportAsync(ex);
            }

            string? encryptPath = parse.GetValue(encryptKey);
            var encryption = encryptPath is null ? null : EncryptionKey.Load(encryptPath);
            string? signPath = parse.GetValue(signKey);
            using var signing = signPath is null ? await ImprintHome.LoadOrCreateSigningKeyAsync() : SigningKey.Load(signPath);

            string outPath = parse.GetValue(output)!;
            var build = new BuildInfo(TimeProvider.System.GetUtcNow(), ToolVersion, $"{Environment.UserName}@{Environment.MachineName}");
            var id = await ImageWriter.WriteAsync(new ImageContent(resolved.Spec, resolved.Sections, build), outPath, signing, encryption, ct);

            var spec = resolved.Spec;
            string? viewUrl = spec.Binding is { } b ? $"{b.CloudUrl.TrimEnd('/')}/jobs/{id}" : null;
            var result = new BuildResult(
                outPath,
                id.ToString(),
                spec.Type == ImageType.Job ? "job" : "sap",
                spec.Name,
                spec.Device.Name,
                source.Bundle is null ? "project" : "bundle",
                new FileInfo(outPath).Length,
                resolved.Firmware.TotalBytes,
                resolved.Firmware.SegmentCount,
                encryption?.Id,
                signing.Fingerprint,
                [.. resolved.Sections.Select(s => new SectionResult(s.Name, Kind(s.Kind), s.Address, s.Length))],
                viewUrl);
            if (parse.GetValue(json))
            {
                CliAction.WriteJson(result);
                return 0;
            }

            Console.WriteLine($"built {result.Image}");
            Console.WriteLine($"  id:        {result.ImageId}");
            Console.WriteLine($"  type:      {result.Type.ToUpperInvariant()}");
            Console.WriteLine($"  name:      {result.Name}");
            Console.WriteLine($"  device:    {result.Device}");
            Console.WriteLine($"  firmware:  {result.FirmwareBytes} bytes in {result.FirmwareSegments} segment{(result.FirmwareSegments == 1 ? "" : "s")}");
            foreach (var s in result.Sections)
            {
                string at = s.Address is { } a ? $"0x{a:X8}" : "          ";
                Console.WriteLine($"    {s.Kind,-9} {at}  {s.Length,10} bytes  {s.Name}");
            }

            Console.WriteLine($"  file:      {result.FileBytes} bytes, signed by {result.Signer}, {(result.EncryptionKeyId is { } k ? $"encrypted with key {k}" : "not encrypted")}");
            if (viewUrl is not null) Console.WriteLine($"  view online: {viewUrl}");
            return 0;
        });
        return command;
    }

    private static DateTimeOffset? Date(string? text, string option, bool endOfDay)
    {
        if (text is null) return null;
        return ProjectOverrides.TryParseDate(text, endOfDay, out var value)
            ? value
            : throw new ImprintException($"{option}: '{text}' is not a date (2025-06-30) or a date and time (2025-06-30T17:00:00Z).");
    }

    private static string Kind(SectionKind kind) => kind switch
    {
        SectionKind.Firmware => "firmware",
        SectionKind.Algorithm => "algorithm",
        SectionKind.TestCode => "test-code",
        _ => "blob",
    };

    private static string ToolVersion => "imprint " + (typeof(BuildCommand).Assembly.GetName().Version?.ToString(3) ?? "0.0.0");

    private sealed record SectionResult(string Name, string Kind, ulong? Address, int Length);

    private sealed record BuildResult(
        string Image,
        string ImageId,
        string Type,
        string Name,
        string Device,
        string Source,
        long FileBytes,
        long FirmwareBytes,
        int FirmwareSegments,
        string? EncryptionKeyId,
        string Signer,
        IReadOnlyList<SectionResult> Sections,
        string? ViewUrl);
}
