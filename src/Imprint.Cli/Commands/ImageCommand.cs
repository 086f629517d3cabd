using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Imprint.Images;
using Imprint.Keys;
using Imprint.Projects;

namespace Imprint.Cli.Commands;

/// <summary><c>imprint image …</c>: inspect and verify programming images.</summary>
internal static class ImageCommand
{
    public static Command Create()
    {
        var command = new Command("image", "Inspect and verify programming images (.imp).");
        command.Subcommands.Add(Inspect());
        command.Subcommands.Add(Verify());
        return command;
    }

    private static Command Inspect()
    {
        var image = new Argument<string>("image") { Description = "The image file." };
        var keys = KeyOption();
        var trust = TrustOption();
        var json = new Option<bool>("--json") { Description = "Print one JSON document." };
        var command = new Command("inspect", "Show an image's public header and, when it can be read and verified, its manifest.") { image, keys, trust, json };
        CliAction.Set(command, async (parse, ct) =>
        {
            var path = parse.GetValue(image)!;
            var header = ImageReader.ReadHeader(path);
            var ring = LoadKeys(parse.GetValue(keys));
            var trusted = LoadTrusted(parse.GetValue(trust));
            bool readable = header.KeyId is null || ring.FindEncryptionKey(header.KeyId) is not null;
            if (parse.GetValue(json))
            {
                var opened = readable ? await ImageReader.OpenAsync(path, ring, trusted, ct) : null;
                CliAction.WriteJson(InspectJson(header, opened));
                return 0;
            }

            // The public header first: it is useful even when the rest turns out to be damaged.
            PrintHeader(path, header);
            if (readable)
            {
                PrintManifest(await ImageReader.OpenAsync(path, ring, trusted, ct));
            }
            else
            {
                Console.WriteLine($"manifest      encrypted with key {header.KeyId}, which is not given; pass --key FILE to read and verify it");
            }

            return 0;
        });
        return command;
    }

    private static Command Verify()
    {
        var image = new Argument<string>("image") { Description = "The image file." };
        var keys = KeyOption();
        var trust = TrustOption();
        var json = new Option<bool>("--json") { Description = "Print one JSON document." };
        var command = new Command("verify", "Check an image's signature and every section hash (decrypting it when encrypted); exit 0 when intact.") { image, keys, trust, json };
        CliAction.Set(command, async (parse, ct) =>
        {
            var path = parse.GetValue(image)!;
            var opened = await ImageReader.OpenAsync(path, LoadKeys(parse.GetValue(keys)), LoadTrusted(parse.GetValue(trust)), ct);
            if (parse.GetValue(json))
            {
                CliAction.WriteJson(new
                {
                    ok = true,
                    image = path,
                    id = opened.Id.ToString(),
                    type = opened.Type,
                    name = opened.Spec.Name,
                    sections = opened.Sections.Count,
                    length = opened.Length,
                    signer = opened.Header.SignerFingerprint,
                    signerTrusted = opened.IsSignerTrusted,
                    sha256 = opened.Sha256Hex,
                    crc32 = $"0x{opened.Crc32:X8}",
                });
            }
            else
            {
                var trusted = opened.IsSignerTrusted ? "a trusted key" : "key";
                var note = opened.IsSignerTrusted ? "" : " (not checked against a trusted key; pass --trust PUBKEY)";
                Console.WriteLine($"OK {path}: {TypeName(opened.Type)} image {opened.Id} '{opened.Spec.Name}', {opened.Sections.Count} sections, {opened.Length} bytes, signed by {trusted} {opened.Header.SignerFingerprint}{note}, sha256 {opened.Sha256Hex}");
            }

            return 0;
        });
        return command;
    }

    private static Option<string[]> KeyOption() => new("--key", "-k")
    {
        Description = "An encryption key file or a folder of *.key files; repeatable.",
        Arity = ArgumentArity.ZeroOrMore,
    };

    private static Option<string[]> TrustOption() => new("--trust")
    {
        Description = "A signer's public key file (.pub); repeatable. When given, images signed by any other key are refused.",
        Arity = ArgumentArity.ZeroOrMore,
    };

    private static KeyRing LoadKeys(string[]? paths)
    {
        var ring = new KeyRing();
        foreach (var path in paths ?? []) ring.AddPath(path);
        return ring;
    }

    private static SigningPublicKey[]? LoadTrusted(string[]? paths) =>
        paths is { Length: > 0 } ? [.. paths.Select(SigningPublicKey.Load)] : null;

    private static string TypeName(ImageType type) => type.ToString().ToUpperInvariant();

    private static void PrintHeader(string path, ImageHeader header)
    {
        Row("image", path);
        Row("format", header.FormatVersion.ToString(CultureInfo.InvariantCulture));
        Row("type", TypeName(header.Type));
        Row("id", header.Id.ToString());
        Row("encrypted", header.KeyId is { } k ? $"yes, AES-256-GCM with key {k}" : "no");
        Row("signer", header.SignerFingerprint);
        Row("sections", $"{header.SectionCount} ({header.SectionsLength} bytes)");
        Row("size", $"{header.FileLength} bytes");
    }

    private static void PrintManifest(ProgrammingImage image)
    {
        var spec = image.Spec;
        Row("verified", image.IsSignerTrusted ? "signature (trusted signer) and every section hash" : "signature and every section hash (signer not checked against a trusted key)");
        Row("sha256", image.Sha256Hex);
        Row("crc32", $"0x{image.Crc32:X8}");
        Row("name", spec.Name);
        if (spec.Description.Length > 0) Row("description", spec.Description);
        Row("device", $"{spec.Device.Name} ({string.Join(' ', new[] { spec.Device.Vendor, spec.Device.Core }.Where(s => s.Length > 0))})");
        Row("connection", $"{spec.Connection.Interface.ToString().ToUpperInvariant()} at {spec.Connection.ClockKhz} kHz");
        Row("power", spec.Power.Voltage > 0 ? $"{spec.Power.Voltage.ToString(CultureInfo.InvariantCulture)} V, {spec.Power.PowerOnDelayMs} ms delay" : "target powers itself");
        Row("built", $"{image.Build.BuiltAt:O} by {image.Build.Builder} with {image.Build.ToolVersion}");
        if (spec.Binding is { } b) Row("binding", $"account {b.AccountId}, factory {b.FactoryId}, cloud {b.CloudUrl}");
        var r = spec.Restrictions;
        Row("restrictions", r == Restrictions.None
            ? "none"
            : string.Join(", ", new[]
            {
                r.MaxCount is { } max ? $"at most {max} units" : null,
                r.ValidFrom is { } from ? $"from {from:O}" : null,
                r.ValidUntil is { } until ? $"until {until:O}" : null,
            }.Where(x => x is not null)));
        Row("script", string.Join(", ", spec.Script.Select(s => s.Kind.ToString())));
        foreach (var s in spec.Serials) Row("serial", $"{s.Name} (pool {s.Pool}) at 0x{s.Address:X8}, {s.Width} bytes, {s.Encoding}, from {s.Start} step {s.Step}");
        foreach (var d in spec.DynamicSlots) Row("dynamic", $"{d.Name} at 0x{d.Address:X8}, {d.Length} bytes");
        foreach (var s in image.Sections)
        {
            var address = s.Address is { } a ? $"0x{a:X8}" : "-";
            Row("section", $"{s.Name,-24} {s.Kind,-9} {address,-10} {s.Length,10} bytes");
        }
    }

    private static void Row(string label, string value) => Console.WriteLine($"{label,-13} {value}");

    private static JsonObject InspectJson(ImageHeader header, ProgrammingImage? image)
    {
        var result = new JsonObject
        {
            ["header"] = new JsonObject
            {
                ["formatVersion"] = header.FormatVersion,
                ["type"] = header.Type.ToString().ToLowerInvariant(),
                ["id"] = header.Id.ToString(),
                ["encrypted"] = header.IsEncrypted,
                ["keyId"] = header.KeyId,
                ["signerFingerprint"] = header.SignerFingerprint,
                ["sectionCount"] = header.SectionCount,
                ["sectionsLength"] = header.SectionsLength,
                ["manifestLength"] = header.ManifestLength,
                ["chunkSize"] = header.ChunkSize,
                ["fileLength"] = header.FileLength,
            },
            ["verified"] = image is not null,
        };
        if (image is not null)
        {
            result["signerTrusted"] = image.IsSignerTrusted;
            result["sha256"] = image.Sha256Hex;
            result["crc32"] = $"0x{image.Crc32:X8}";
            result["manifest"] = JsonNode.Parse(image.ManifestBytes.Span);
        }

        return result;
    }
}
