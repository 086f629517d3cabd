using System.Buffers.Binary;
using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using Imprint.Images;
using Imprint.Images.Internal;
using Imprint.Keys;
using Imprint.Testing.Images;
using Xunit.Abstractions;

namespace Imprint.Tests.Images;

/// <summary>
/// A seeded mutation fuzzer over the image reader: byte-level damage, header fields set to
/// edge values with the CRC fixed up, and manifest JSON rewritten structurally and then
/// re-signed (an attacker can always sign with their own key), so mutations get past each
/// layer of checks. Only <see cref="ImprintException"/>s may come out.
/// </summary>
public sealed class ImageReaderFuzzTests(ITestOutputHelper output)
{
    private const int Seed = 20250314;
    private const string Name = "fuzz.imp";

    private static readonly ulong[] Interesting =
    [
        0, 1, 2, 15, 16, 64, 91, 192, 4095, 4096, 65_535, 65_536, 1 << 20, int.MaxValue, (ulong)int.MaxValue + 1,
        uint.MaxValue, long.MaxValue, ulong.MaxValue,
    ];

    // (offset, width) of the header's numeric fields.
    private static readonly (int Offset, int Width)[] HeaderFields =
    [
        (8, 2), (10, 2), (12, 1), (13, 1), (14, 2), (80, 4), (84, 4), (88, 8), (96, 2), (98, 2), (100, 4), (48, 1), (63, 1),
    ];

    [Fact]
    public async Task MutatedImages_FailOnlyWithImprintExceptions()
    {
        using var signer = SigningKey.Create();
        var key = EncryptionKey.Create("fuzz");
        var keys = new KeyRing([key]);
        var sections = new ImageSection[]
        {
            new(ImageSection.FirmwareName(0x0800_0000), SectionKind.Firmware, 0x0800_0000, ImageSamples.Bytes(1500, 1)),
            new(ImageSection.FirmwareName(0x0800_1000), SectionKind.Firmware, 0x0800_1000, ImageSamples.Bytes(700, 2)),
            new("selftest", SectionKind.TestCode, 0x2000_0000, ImageSamples.Bytes(64, 3)),
            new("empty", SectionKind.Blob, null, ReadOnlyMemory<byte>.Empty),
        };
        var content = ImageSamples.Content(sections: sections);
        var plain = await Write(content, signer, null);
        var encrypted = await Write(content, signer, key);
        var job = await Write(ImageSamples.Content(Imprint.Projects.ImageType.Job, sections), signer, key);

        var random = new Random(Seed);
        var failures = new List<string>();
        var outcomes = new Dictionary<string, int>();
        var clock = Stopwatch.StartNew();
        const int Iterations = 3000;
        for (int i = 0; i < Iterations; i++)
        {
            var original = (i % 3) switch { 0 => plain, 1 => encrypted, _ => job };
            var (mutant, how) = Mutate(original, random, signer, original == plain);
            try
            {
                ImageReader.ReadHeader(mutant, Name);
                await ImageReader.OpenAsync(new MemoryStream(mutant), Name, keys).WaitAsync(TimeSpan.FromSeconds(10));
                Count(outcomes, "opened");
            }
            catch (ImprintException ex)
            {
                ex.Message.ShouldStartWith(Name, customMessage: how);
                Count(outcomes, ex.Message[(Name.Length + 1)..Math.Min(ex.Message.Length, 110)]);
            }
            catch (Exception ex)
            {
                failures.Add($"#{i} {how}: {ex.GetType().Name}: {ex.Message}");
            }
        }

        foreach (var (outcome, count) in outcomes.OrderByDescending(o => o.Value)) output.WriteLine($"{count,5}  {outcome}");
        failures.ShouldBeEmpty();

        // The fuzzer must reach past the outer checks, or it proves little.
        outcomes.Keys.ShouldContain(k => k.Contains("manifest is not valid", StringComparison.Ordinal));
        outcomes.Keys.ShouldContain(k => k.Contains("signature does not verify", StringComparison.Ordinal));
        outcomes.Keys.ShouldContain(k => k.Contains("header is damaged", StringComparison.Ordinal));
        clock.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(30));
    }

    private static void Count(Dictionary<string, int> outcomes, string key) =>
        outcomes[key] = outcomes.GetValueOrDefault(key) + 1;

    private static (byte[] Bytes, string How) Mutate(byte[] original, Random random, SigningKey signer, bool canResign)
    {
        var bytes = (byte[])original.Clone();
        int kind = random.Next(canResign ? 8 : 6);
        switch (kind)
        {
            case 0:
            {
                int flips = random.Next(1, 5);
                for (int f = 0; f < flips; f++) bytes[random.Next(bytes.Length)] ^= (byte)(1 << random.Next(8));
                return (bytes, $"{flips} bit flips");
            }

            case 1:
            {
                int at = random.Next(bytes.Length);
                bytes[at] = (byte)random.Next(256);
                return (bytes, $"byte 0x{at:X} set");
            }

            case 2:
            {
                int length = random.Next(bytes.Length);
                return (bytes[..length], $"truncated to {length}");
            }

            case 3:
            {
                int at = random.Next(bytes.Length), n = random.Next(1, 64);
                return random.Next(2) == 0
                    ? ([.. bytes[..at], .. ImageSamples.Bytes(n, random.Next()), .. bytes[at..]], $"{n} bytes inserted at 0x{at:X}")
                    : ([.. bytes[..at], .. bytes[Math.Min(bytes.Length, at + n)..]], $"{n} bytes removed at 0x{at:X}");
            }

            case 4:
            case 5:
            {
                var (offset, width) = HeaderFields[random.Next(HeaderFields.Length)];
                ulong value = random.Next(3) == 0 ? (ulong)random.NextInt64() : Interesting[random.Next(Interesting.Length)];
                WriteField(bytes, offset, width, value);
                FixCrc(bytes);
                return (bytes, $"header field at {offset} set to {value}, CRC fixed");
            }

            default:
                return Resign(bytes, random, signer);
        }
    }

    // Rewrites the manifest of a plain image and signs it again, as an attacker with their own key would.
    private static (byte[] Bytes, string How) Resign(byte[] image, Random random, SigningKey signer)
    {
        var header = image.AsSpan(0, HeaderFormat.Length).ToArray();
        int manifestLength = (int)BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(HeaderFormat.ManifestLength));
        long sectionsLength = (long)BinaryPrimitives.ReadUInt64LittleEndian(header.AsSpan(HeaderFormat.SectionsLength));
        int metaStart = (int)(HeaderFormat.Length + sectionsLength);
        var json = Encoding.UTF8.GetString(image, metaStart, manifestLength);
        var (mutated, how) = random.Next(5) == 0 ? MutateText(json, random) : MutateTree(json, random);

        var manifest = Encoding.UTF8.GetBytes(mutated);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(HeaderFormat.ManifestLength), (uint)manifest.Length);
        FixCrc(header);
        var signature = signer.SignHash(SignedMessage.Digest(header, manifest));
        byte[] result =
        [
            .. header, .. image.AsSpan(HeaderFormat.Length, (int)sectionsLength), .. manifest,
            .. signer.PublicKey.SubjectPublicKeyInfo.Span, .. signature,
        ];
        return (result, "re-signed manifest: " + how);
    }

    private static (string, string) MutateText(string json, Random random) => random.Next(3) switch
    {
        0 => (json.Insert(1, "\"format\":1,"), "duplicate property"),
        1 => (json.Insert(json.Length - 1, ",\"extra\":{}"), "unknown property"),
        _ => (json[..random.Next(json.Length)], "cut JSON"),
    };

    private static (string, string) MutateTree(string json, Random random)
    {
        var root = JsonNode.Parse(json)!;
        var nodes = new List<(JsonNode? Node, JsonNode Parent, string? Property, int Index)>();
        Collect(root, nodes);
        var (node, parent, property, index) = nodes[random.Next(nodes.Count)];
        JsonNode? replacement = random.Next(12) switch
        {
            0 => null,
            1 => JsonValue.Create(-1),
            2 => JsonValue.Create(ulong.MaxValue),
            3 => JsonValue.Create(1e308),
            4 => JsonValue.Create(""),
            5 => JsonValue.Create("firmware@0x08000000"),
            6 => JsonValue.Create(true),
            7 => new JsonObject(),
            8 => new JsonArray(),
            9 => new JsonArray((JsonNode?)null),
            10 => JsonValue.Create(0),
            _ => JsonValue.Create(1.5),
        };
        string what;
        if (parent is JsonObject obj && property is not null)
        {
            if (random.Next(6) == 0)
            {
                obj.Remove(property);
                what = $"removed '{property}'";
            }
            else
            {
                obj[property] = replacement;
                what = $"'{property}' = {replacement?.ToJsonString() ?? "null"}";
            }
        }
        else
        {
            var array = (JsonArray)parent;
            if (random.Next(4) == 0)
            {
                array.Add(node?.DeepClone());
                what = $"array element {index} duplicated";
            }
            else
            {
                array[index] = replacement;
                what = $"array element {index} = {replacement?.ToJsonString() ?? "null"}";
            }
        }

        return (root.ToJsonString(), what);
    }

    private static void Collect(JsonNode node, List<(JsonNode?, JsonNode, string?, int)> nodes)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (name, child) in obj)
                {
                    nodes.Add((child, obj, name, -1));
                    if (child is not null) Collect(child, nodes);
                }

                break;
            case JsonArray array:
                for (int i = 0; i < array.Count; i++)
                {
                    nodes.Add((array[i], array, null, i));
                    if (array[i] is { } child) Collect(child, nodes);
                }

                break;
        }
    }

    private static void WriteField(byte[] bytes, int offset, int width, ulong value)
    {
        switch (width)
        {
            case 1: bytes[offset] = (byte)value; break;
            case 2: BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(offset), (ushort)value); break;
            case 4: BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(offset), (uint)value); break;
            default: BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(offset), value); break;
        }
    }

    private static void FixCrc(byte[] bytes) => HeaderFormat.SealCrc(bytes.AsSpan(0, HeaderFormat.Length));

    private static async Task<byte[]> Write(ImageContent content, SigningKey signer, EncryptionKey? key)
    {
        using var stream = new MemoryStream();
        await ImageWriter.WriteAsync(content, stream, signer, key);
        return stream.ToArray();
    }
}
