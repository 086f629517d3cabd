using System.Xml;
using System.Xml.Linq;

namespace Imprint.Targets.Gdb.Internal;

/// <summary>One register as the server numbers it.</summary>
/// <param name="Name">The name (lowercase).</param>
/// <param name="Number">The register number used in <c>p</c>/<c>P</c> and stop replies.</param>
/// <param name="BitSize">The width in bits.</param>
/// <param name="Offset">The byte offset in the <c>g</c> packet.</param>
internal sealed record RegisterInfo(string Name, int Number, int BitSize, int Offset)
{
    /// <summary>Gets the width in bytes.</summary>
    public int Size => (BitSize + 7) / 8;
}

/// <summary>
/// Register names to numbers, from the server's <c>target.xml</c> (<c>qXfer:features:read</c>)
/// or, without one, GDB's classic Arm numbering.
/// </summary>
internal sealed class RegisterMap
{
    private static readonly XNamespace XInclude = "http://www.w3.org/2001/XInclude";
    private readonly Dictionary<string, RegisterInfo> _byName;

    private RegisterMap(IReadOnlyList<RegisterInfo> registers, string source)
    {
        Registers = registers;
        Source = source;
        _byName = new Dictionary<string, RegisterInfo>(StringComparer.OrdinalIgnoreCase);
        foreach (var r in registers) _byName.TryAdd(r.Name, r);

        // Cortex-M servers name the status register xpsr, older descriptions cpsr: accept both.
        if (!_byName.ContainsKey("xpsr") && _byName.TryGetValue("cpsr", out var cpsr)) _byName["xpsr"] = cpsr;
        if (!_byName.ContainsKey("cpsr") && _byName.TryGetValue("xpsr", out var xpsr)) _byName["cpsr"] = xpsr;
        foreach (var (alias, name) in new[] { ("r13", "sp"), ("r14", "lr"), ("r15", "pc") })
        {
            if (!_byName.ContainsKey(alias) && _byName.TryGetValue(name, out var r)) _byName[alias] = r;
            if (!_byName.ContainsKey(name) && _byName.TryGetValue(alias, out var r2)) _byName[name] = r2;
        }
    }

    /// <summary>Gets the registers in <c>g</c> packet order.</summary>
    public IReadOnlyList<RegisterInfo> Registers { get; }

    /// <summary>Gets where the map came from (<c>target.xml</c> or <c>default</c>).</summary>
    public string Source { get; }

    /// <summary>Gets the total size of a <c>g</c> reply in bytes.</summary>
    public int GPacketSize => Registers.Count == 0 ? 0 : Registers[^1].Offset + Registers[^1].Size;

    /// <summary>
    /// Gets GDB's numbering for Arm without a target description: r0–r12 are 0–12, sp 13,
    /// lr 14, pc 15, the legacy FPA registers f0–f7 (12 bytes each) 16–23, fps 24 and
    /// xpsr/cpsr 25 (as QEMU's <c>org.gnu.gdb.arm.m-profile</c> also numbers it).
    /// </summary>
    public static RegisterMap DefaultArm { get; } = BuildDefaultArm();

    /// <summary>Finds a register by name (case-insensitive; sp/r13, lr/r14, pc/r15, xpsr/cpsr are aliases).</summary>
    public bool TryGet(string name, out RegisterInfo register) => _byName.TryGetValue(name, out register!);

    /// <summary>
    /// Parses a target description, following <c>xi:include</c> through <paramref name="readAnnex"/>.
    /// Registers are numbered in document order from 0; a <c>regnum</c> attribute restarts the count.
    /// </summary>
    public static async Task<RegisterMap> ParseAsync(string xml, Func<string, CancellationToken, Task<string>> readAnnex, CancellationToken cancellationToken)
    {
        var registers = new List<(string Name, int Number, int BitSize)>();
        int next = 0;
        int depth = 0;

        async Task WalkAsync(string text)
        {
            if (++depth > 8) throw new InvalidDataException("target.xml includes nest more than 8 deep.");
            foreach (var element in Load(text).Root!.DescendantsAndSelf())
            {
                if (element.Name == XInclude + "include")
                {
                    string? href = (string?)element.Attribute("href");
                    if (!string.IsNullOrEmpty(href)) await WalkAsync(await readAnnex(href, cancellationToken).ConfigureAwait(false)).ConfigureAwait(false);
                }
                else if (element.Name.LocalName == "reg")
                {
                    string? name = (string?)element.Attribute("name");
                    if (string.IsNullOrEmpty(name) || !int.TryParse((string?)element.Attribute("bitsize"), out int bits) || bits <= 0)
                    {
                        throw new InvalidDataException("target.xml has a <reg> without a name or a positive bitsize.");
                    }

                    if (int.TryParse((string?)element.Attribute("regnum"), out int regnum)) next = regnum;
                    registers.Add((name.ToLowerInvariant(), next++, bits));
                }
            }

            depth--;
        }

        await WalkAsync(xml).ConfigureAwait(false);
        if (registers.Count == 0) throw new InvalidDataException("target.xml describes no registers.");
        return new RegisterMap(WithOffsets(registers), "target.xml");
    }

    private static XDocument Load(string xml)
    {
        // QEMU writes <xi:include> without declaring the prefix (gdb-target.dtd declares it, and
        // DTDs are never processed here), so the prefix is declared up front.
        var settings = new XmlReaderSettings { DtdProcessing = DtdProcessing.Ignore, XmlResolver = null };
        var names = new XmlNamespaceManager(new NameTable());
        names.AddNamespace("xi", XInclude.NamespaceName);
        using var reader = XmlReader.Create(new StringReader(xml), settings, new XmlParserContext(null, names, null, XmlSpace.None));
        try
        {
            return XDocument.Load(reader);
        }
        catch (XmlException ex)
        {
            throw new InvalidDataException($"The server sent malformed XML: {ex.Message}", ex);
        }
    }

    private static List<RegisterInfo> WithOffsets(List<(string Name, int Number, int BitSize)> registers)
    {
        var result = new List<RegisterInfo>(registers.Count);
        int offset = 0;
        foreach (var (name, number, bits) in registers.OrderBy(r => r.Number))
        {
            result.Add(new RegisterInfo(name, number, bits, offset));
            offset += (bits + 7) / 8;
        }

        return result;
    }

    private static RegisterMap BuildDefaultArm()
    {
        var list = new List<(string, int, int)>();
        for (int i = 0; i <= 12; i++) list.Add(($"r{i}", i, 32));
        list.Add(("sp", 13, 32));
        list.Add(("lr", 14, 32));
        list.Add(("pc", 15, 32));
        for (int i = 0; i < 8; i++) list.Add(($"f{i}", 16 + i, 96));
        list.Add(("fps", 24, 32));
        list.Add(("xpsr", 25, 32));
        return new RegisterMap(WithOffsets(list), "default");
    }
}
