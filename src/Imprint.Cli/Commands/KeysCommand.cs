using System.CommandLine;
using Imprint.Keys;

namespace Imprint.Cli.Commands;

/// <summary><c>imprint keys …</c>: create and describe signing and encryption keys.</summary>
internal static class KeysCommand
{
    public static Command Create()
    {
        var command = new Command("keys", "Create and describe image signing keys and customer encryption keys.");
        command.Subcommands.Add(NewSigning());
        command.Subcommands.Add(NewEncryption());
        command.Subcommands.Add(Show());
        return command;
    }

    private static Command NewSigning()
    {
        var output = new Option<string>("--output", "-o") { Description = "The private key file to write (mode 0600); its public key goes to FILE.pub.", Required = true };
        var force = new Option<bool>("--force") { Description = "Replace existing files." };
        var json = new Option<bool>("--json") { Description = "Print the result as JSON." };
        var command = new Command("new-signing", "Create an ECDSA P-256 signing key for building images.") { output, force, json };
        CliAction.Set(command, (parse, _) =>
        {
            var path = parse.GetValue(output)!;
            var pub = path + ".pub";
            if (!parse.GetValue(force)) RefuseOverwrite(path, pub);
            using var key = SigningKey.Create();
            key.Save(path);
            key.PublicKey.Save(pub);
            if (parse.GetValue(json))
            {
                CliAction.WriteJson(new { kind = "signing", privateKey = path, publicKey = pub, fingerprint = key.Fingerprint });
            }
            else
            {
                Console.WriteLine($"wrote {path} (private: keep it secret) and {pub} (public: give it to stations and --trust); fingerprint {key.Fingerprint}");
            }

            return Task.FromResult(0);
        });
        return command;
    }

    private static Command NewEncryption()
    {
        var output = new Option<string>("--output", "-o") { Description = "The key file to write (mode 0600).", Required = true };
        var id = new Option<string?>("--id") { Description = "The key id images will name (1-32 of A-Z a-z 0-9 . _ -); default k-<8 random hex digits>." };
        var force = new Option<bool>("--force") { Description = "Replace an existing file." };
        var json = new Option<bool>("--json") { Description = "Print the result as JSON." };
        var command = new Command("new-encryption", "Create a customer AES-256 key for encrypting images.") { output, id, force, json };
        CliAction.Set(command, (parse, _) =>
        {
            var path = parse.GetValue(output)!;
            if (!parse.GetValue(force)) RefuseOverwrite(path);
            var key = EncryptionKey.Create(parse.GetValue(id));
            key.Save(path);
            if (parse.GetValue(json))
            {
                CliAction.WriteJson(new { kind = "encryption", file = path, id = key.Id });
            }
            else
            {
                Console.WriteLine($"wrote {path} (secret: copy it only to the stations that may program these images); key id {key.Id}");
            }

            return Task.FromResult(0);
        });
        return command;
    }

    private static Command Show()
    {
        var file = new Argument<string>("file") { Description = "A signing key, public key or encryption key file." };
        var json = new Option<bool>("--json") { Description = "Print the result as JSON." };
        var command = new Command("show", "Describe a key file without printing any secret.") { file, json };
        CliAction.Set(command, (parse, _) =>
        {
            var path = parse.GetValue(file)!;
            var description = Describe(path);
            if (parse.GetValue(json))
            {
                CliAction.WriteJson(description);
            }
            else
            {
                Console.WriteLine(description.Fingerprint is { } fingerprint
                    ? $"{path}: {description.Kind} key, fingerprint {fingerprint}"
                    : $"{path}: encryption key, id {description.Id}");
            }

            return Task.FromResult(0);
        });
        return command;
    }

    private static KeyDescription Describe(string path)
    {
        // Each loader names the file and the problem when the file is not what it looks like.
        var head = File.Exists(path) && new FileInfo(path).Length <= 65_536 ? File.ReadLines(path).FirstOrDefault(l => l.Length > 0) ?? "" : "";
        if (head.StartsWith("-----BEGIN PUBLIC KEY", StringComparison.Ordinal))
        {
            return new KeyDescription("signing-public", path, SigningPublicKey.Load(path).Fingerprint, null);
        }

        if (head.StartsWith("-----BEGIN", StringComparison.Ordinal))
        {
            using var key = SigningKey.Load(path);
            return new KeyDescription("signing", path, key.Fingerprint, null);
        }

        return new KeyDescription("encryption", path, null, EncryptionKey.Load(path).Id);
    }

    private static void RefuseOverwrite(params string[] paths)
    {
        foreach (var path in paths)
        {
            if (File.Exists(path) || Directory.Exists(path))
            {
                throw new KeyException($"{path} already exists; pass --force to replace it (the old key is lost).");
            }
        }
    }

    private sealed record KeyDescription(string Kind, string File, string? Fingerprint, string? Id);
}
