using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Imprint.Projects.Internal;

/// <summary>
/// Reads a project file's one YAML document into a small node tree. Aliases, tags, complex
/// keys and duplicate keys are refused: a project has no use for them, and refusing aliases
/// rules out exponential "billion laughs" documents; nesting is bounded so a hostile file
/// cannot exhaust the stack.
/// </summary>
internal static class ProjectYaml
{
    public const int MaxDepth = 32;

    /// <summary>Parses <paramref name="text"/>; returns <see langword="null"/> for an empty document.</summary>
    /// <exception cref="ProjectException">The text is not well-formed YAML or uses a refused construct.</exception>
    public static YNode? Read(string text, string fileName)
    {
        var parser = new TrackingParser(new Parser(new StringReader(text)));
        try
        {
            parser.Consume<StreamStart>();
            if (parser.Accept<StreamEnd>(out _)) return null;
            parser.Consume<DocumentStart>();
            var root = ReadNode(parser, fileName, 0);
            parser.Consume<DocumentEnd>();
            if (!parser.Accept<StreamEnd>(out _))
            {
                throw Syntax(fileName, parser.Current, "a project file holds one YAML document, not several");
            }

            return root;
        }
        catch (YamlException ex)
        {
            var (line, column) = ((int)ex.Start.Line, (int)ex.Start.Column);

            // YamlDotNet places a tab-indentation error at the start of the enclosing mapping.
            if (ex.Message.Contains("tab", StringComparison.Ordinal) && FirstTabIndent(text) is { } tab) (line, column) = tab;
            throw new ProjectException(fileName, new ProjectError("", Sentence(ex.Message), line, column));
        }
        catch (InvalidOperationException ex) when (ex.Source == "YamlDotNet")
        {
            // YamlDotNet 16 fails this way on some malformed flow collections (for example an
            // unclosed '{' followed by block content); report it as the syntax error it is.
            throw new ProjectException(fileName, new ProjectError("", "malformed YAML after this point (an unclosed '{' or '['?)", parser.LastLine, parser.LastColumn));
        }
    }

    /// <summary>Remembers where the last event that parsed cleanly started, to locate errors YamlDotNet reports without a position.</summary>
    private sealed class TrackingParser(IParser inner) : IParser
    {
        public int LastLine { get; private set; } = 1;

        public int LastColumn { get; private set; } = 1;

        public ParsingEvent? Current => inner.Current;

        public bool MoveNext()
        {
            if (inner.Current is { } current) (LastLine, LastColumn) = ((int)current.Start.Line, (int)current.Start.Column);
            return inner.MoveNext();
        }
    }

    private static YNode ReadNode(IParser parser, string fileName, int depth)
    {
        var ev = parser.Current ?? throw new ProjectException(fileName, new ProjectError("", "the document ends unexpectedly"));
        if (depth > MaxDepth) throw Syntax(fileName, ev, $"nesting is deeper than {MaxDepth} levels");
        int line = (int)ev.Start.Line, column = (int)ev.Start.Column;
        switch (ev)
        {
            case AnchorAlias:
                throw Syntax(fileName, ev, "YAML aliases (*name) are not supported in project files");
            case Scalar scalar:
                RefuseTag(scalar.Tag, fileName, ev);
                parser.MoveNext();
                return new YScalar(line, column, scalar.Value, scalar.Style == ScalarStyle.Plain);
            case SequenceStart seq:
            {
                RefuseTag(seq.Tag, fileName, ev);
                parser.MoveNext();
                var items = new List<YNode>();
                while (!parser.TryConsume<SequenceEnd>(out _)) items.Add(ReadNode(parser, fileName, depth + 1));
                return new YSeq(line, column, items);
            }

            case MappingStart map:
            {
                RefuseTag(map.Tag, fileName, ev);
                parser.MoveNext();
                var entries = new List<YEntry>();
                while (!parser.TryConsume<MappingEnd>(out _))
                {
                    if (parser.Current is not Scalar key)
                    {
                        throw Syntax(fileName, parser.Current, "mapping keys must be plain names");
                    }

                    parser.MoveNext();
                    if (entries.Exists(e => e.Key == key.Value))
                    {
                        throw Syntax(fileName, key, $"field '{Clip(key.Value)}' appears twice in one mapping");
                    }

                    var value = ReadNode(parser, fileName, depth + 1);
                    entries.Add(new YEntry(key.Value, (int)key.Start.Line, (int)key.Start.Column, value));
                }

                return new YMap(line, column, entries);
            }

            default:
                throw Syntax(fileName, ev, $"unexpected YAML {ev.GetType().Name}");
        }
    }

    private static void RefuseTag(TagName tag, string fileName, ParsingEvent ev)
    {
        if (!tag.IsEmpty && !tag.IsNonSpecific) throw Syntax(fileName, ev, $"YAML tags ({Clip(tag.ToString())}) are not supported in project files");
    }

    private static ProjectException Syntax(string fileName, ParsingEvent? at, string problem) =>
        new(fileName, new ProjectError("", problem, (int)(at?.Start.Line ?? 0), (int)(at?.Start.Column ?? 0)));

    private static (int Line, int Column)? FirstTabIndent(string text)
    {
        int lineNumber = 0;
        foreach (var line in text.Split('\n'))
        {
            lineNumber++;
            for (int i = 0; i < line.Length && line[i] is ' ' or '\t' or '-'; i++)
            {
                if (line[i] == '\t') return (lineNumber, i + 1);
            }
        }

        return null;
    }

    public static string Clip(string text) => text.Length <= 40 ? text : text[..40] + "…";

    // YamlDotNet's messages start with "(Line: 3, Col: 1, Idx: 20) - (…): " and may lack a period.
    private static string Sentence(string message)
    {
        int i = message.LastIndexOf("): ", StringComparison.Ordinal);
        string text = (i >= 0 ? message[(i + 3)..] : message).Trim();
        if (text.Length == 0) return "malformed YAML";
        text = char.ToLowerInvariant(text[0]) + text[1..];
        return text.TrimEnd('.');
    }
}
