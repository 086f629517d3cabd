using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Imprint.Devices.Internal;

/// <summary>
/// Reads one YAML document into a small node tree. Aliases, tags, complex keys and duplicate
/// keys are refused: data files have no use for them, and refusing aliases rules out
/// exponential "billion laughs" documents.
/// </summary>
internal static class YamlDocumentReader
{
    private const int MaxDepth = 64;

    public static YamlNode Read(string text, string fileName)
    {
        var parser = new Parser(new StringReader(text));
        try
        {
            parser.Consume<StreamStart>();
            if (parser.Accept<StreamEnd>(out _)) throw new DeviceException($"{fileName} is empty.");
            parser.Consume<DocumentStart>();
            var root = ReadNode(parser, fileName, 0);
            parser.Consume<DocumentEnd>();
            if (!parser.Accept<StreamEnd>(out _))
            {
                throw new DeviceException($"{fileName} line {parser.Current?.Start.Line}: a device file holds one YAML document, not several.");
            }

            return root;
        }
        catch (YamlException ex)
        {
            throw new DeviceException($"{fileName} line {ex.Start.Line}: {Sentence(ex.Message)}", ex);
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException or IndexOutOfRangeException)
        {
            // YamlDotNet's scanner fails this way on some malformed input (found by fuzzing,
            // for example an unclosed flow mapping before a block key): still the user's file.
            throw new DeviceException($"{fileName}: malformed YAML after line {parser.Current?.End.Line ?? 1}.", ex);
        }
    }

    private static YamlNode ReadNode(IParser parser, string fileName, int depth)
    {
        if (depth > MaxDepth) throw new DeviceException($"{fileName} line {parser.Current?.Start.Line}: nesting is deeper than {MaxDepth} levels.");
        var ev = parser.Current ?? throw new DeviceException($"{fileName}: the document ends unexpectedly.");
        int line = (int)ev.Start.Line;
        switch (ev)
        {
            case AnchorAlias:
                throw new DeviceException($"{fileName} line {line}: YAML aliases (*name) are not supported in device files.");
            case Scalar scalar:
                RefuseTag(scalar.Tag, fileName, line);
                parser.MoveNext();
                return new YamlText(line, scalar.Value, scalar.Style == ScalarStyle.Plain);
            case SequenceStart seq:
            {
                RefuseTag(seq.Tag, fileName, line);
                parser.MoveNext();
                var items = new List<YamlNode>();
                while (!parser.TryConsume<SequenceEnd>(out _)) items.Add(ReadNode(parser, fileName, depth + 1));
                return new YamlList(line, items);
            }

            case MappingStart map:
            {
                RefuseTag(map.Tag, fileName, line);
                parser.MoveNext();
                var entries = new List<KeyValuePair<string, YamlNode>>();
                while (!parser.TryConsume<MappingEnd>(out _))
                {
                    if (parser.Current is not Scalar key)
                    {
                        throw new DeviceException($"{fileName} line {parser.Current?.Start.Line}: mapping keys must be plain names.");
                    }

                    int keyLine = (int)key.Start.Line;
                    parser.MoveNext();
                    if (entries.Exists(e => e.Key == key.Value))
                    {
                        throw new DeviceException($"{fileName} line {keyLine}: field '{key.Value}' appears twice.");
                    }

                    entries.Add(new(key.Value, ReadNode(parser, fileName, depth + 1)));
                }

                return new YamlMap(line, entries);
            }

            default:
                throw new DeviceException($"{fileName} line {line}: unexpected YAML {ev.GetType().Name}.");
        }
    }

    private static void RefuseTag(TagName tag, string fileName, int line)
    {
        if (!tag.IsEmpty && !tag.IsNonSpecific) throw new DeviceException($"{fileName} line {line}: YAML tags ({tag}) are not supported in device files.");
    }

    // YamlDotNet's messages start with "(Line: 3, Col: 1, Idx: 20) - (…): " and may lack a period.
    private static string Sentence(string message)
    {
        int i = message.LastIndexOf("): ", StringComparison.Ordinal);
        string text = (i >= 0 ? message[(i + 3)..] : message).Trim();
        if (text.Length == 0) text = "malformed YAML";
        text = char.ToLowerInvariant(text[0]) + text[1..];
        return text.EndsWith('.') ? text : text + ".";
    }
}
