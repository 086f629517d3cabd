using System.Globalization;
using System.Xml;
using System.Xml.Linq;
using Imprint.Devices.Internal;

namespace Imprint.Devices.Cmsis.Internal;

/// <summary>
/// Reads the device tree of a CMSIS pack description: <c>family</c> → <c>subFamily</c> →
/// <c>device</c> → <c>variant</c>, where each level inherits the <c>processor</c>,
/// <c>memory</c>, <c>algorithm</c>, <c>debugconfig</c> and VCC <c>feature</c> of the levels
/// above and may replace a memory of the same name (or id) or an algorithm of the same file.
/// </summary>
internal static class PdscParser
{
    private const int MaxCharacters = 64 << 20;

    private sealed record Scope(
        string Vendor,
        string Core,
        IReadOnlyList<PdscMemory> Memories,
        IReadOnlyList<PdscAlgorithm> Algorithms,
        VoltageRange? Voltage,
        DebugInterface? Interface,
        int? ClockKhz);

    public static PdscDescription Parse(string xml, string fileName)
    {
        XDocument document;
        try
        {
            var settings = new XmlReaderSettings
            {
                DtdProcessing = DtdProcessing.Prohibit,
                XmlResolver = null,
                MaxCharactersInDocument = MaxCharacters,
                IgnoreComments = true,
                IgnoreProcessingInstructions = true,
            };
            using var reader = XmlReader.Create(new StringReader(xml), settings);
            document = XDocument.Load(reader, LoadOptions.SetLineInfo);
        }
        catch (XmlException ex)
        {
            string where = ex.LineNumber > 0 ? $"{fileName} line {ex.LineNumber}" : fileName;
            throw new DeviceException($"{where}: malformed XML: {Sentence(ex.Message)}", ex);
        }

        var root = document.Root!;
        if (root.Name.LocalName != "package")
        {
            throw new DeviceException($"{fileName} is not a CMSIS pack description: its root element is <{root.Name.LocalName}>, not <package>.");
        }

        string packVendor = Child(root, "vendor")?.Value.Trim() ?? "";
        string packName = Child(root, "name")?.Value.Trim() ?? "";
        var devices = new List<PdscDevice>();
        var top = new Scope(packVendor, "", [], [], null, null, null);
        foreach (var devicesElement in Children(root, "devices"))
        {
            Walk(devicesElement, top, fileName, devices);
        }

        if (devices.Count == 0) throw new DeviceException($"{fileName} describes no devices (no <device> element under <devices>).");
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var d in devices)
        {
            if (!seen.Add(d.Name)) throw new DeviceException($"{fileName} line {d.Line}: device {d.Name} is described twice.");
        }

        return new PdscDescription(packVendor, packName, devices);
    }

    private static void Walk(XElement parent, Scope scope, string fileName, List<PdscDevice> devices)
    {
        foreach (var element in parent.Elements())
        {
            switch (element.Name.LocalName)
            {
                case "family":
                case "subFamily":
                    Walk(element, Extend(scope, element, fileName), fileName, devices);
                    break;
                case "device":
                    AddDevice(element, Extend(scope, element, fileName), fileName, devices);
                    break;
            }
        }
    }

    private static void AddDevice(XElement element, Scope scope, string fileName, List<PdscDevice> devices)
    {
        string name = Attribute(element, "Dname") ?? throw Error(fileName, element, "a <device> has no Dname attribute");
        var variants = new List<string>();
        foreach (var variant in Children(element, "variant"))
        {
            string variantName = Attribute(variant, "Dvariant") ?? throw Error(fileName, variant, $"a <variant> of device {name} has no Dvariant attribute");
            bool ownFacts = Children(variant, "memory").Any() || Children(variant, "algorithm").Any() || Children(variant, "processor").Any();
            if (ownFacts)
            {
                devices.Add(Device(variantName, Extend(scope, variant, fileName), [], variant));
            }
            else
            {
                variants.Add(variantName);
            }
        }

        devices.Add(Device(name, scope, variants, element));
    }

    private static PdscDevice Device(string name, Scope s, IReadOnlyList<string> variants, XElement element) =>
        new(name, s.Vendor, s.Core, variants, s.Memories, s.Algorithms, s.Voltage, s.Interface, s.ClockKhz, Line(element));

    private static Scope Extend(Scope scope, XElement element, string fileName)
    {
        string vendor = Attribute(element, "Dvendor") is { } v ? VendorName(v) : scope.Vendor;

        // Multi-core parts list one <processor> per core (Pname); the first one stated wins.
        string core = scope.Core;
        foreach (var processor in Children(element, "processor"))
        {
            if (Attribute(processor, "Dcore") is { } c)
            {
                core = c;
                break;
            }
        }

        var memories = scope.Memories.ToList();
        foreach (var m in Children(element, "memory"))
        {
            var memory = ReadMemory(m, fileName);
            memories.RemoveAll(x => string.Equals(x.Name, memory.Name, StringComparison.OrdinalIgnoreCase));
            memories.Add(memory);
        }

        var algorithms = scope.Algorithms.ToList();
        foreach (var a in Children(element, "algorithm"))
        {
            var algorithm = ReadAlgorithm(a, fileName);
            algorithms.RemoveAll(x => string.Equals(x.Path, algorithm.Path, StringComparison.OrdinalIgnoreCase) && x.Start == algorithm.Start);
            algorithms.Add(algorithm);
        }

        var voltage = scope.Voltage;
        foreach (var feature in Children(element, "feature"))
        {
            if (Attribute(feature, "type") == "VCC"
                && double.TryParse(Attribute(feature, "n"), NumberStyles.Float, CultureInfo.InvariantCulture, out double min)
                && double.TryParse(Attribute(feature, "m"), NumberStyles.Float, CultureInfo.InvariantCulture, out double max)
                && min > 0 && min <= max && max <= 6)
            {
                voltage = new VoltageRange(min, max);
            }
        }

        var debugInterface = scope.Interface;
        int? clockKhz = scope.ClockKhz;
        if (Child(element, "debugconfig") is { } debug)
        {
            debugInterface = Attribute(debug, "default")?.ToLowerInvariant() switch { "swd" => DebugInterface.Swd, "jtag" => DebugInterface.Jtag, _ => debugInterface };
            if (Attribute(debug, "clock") is { } clock && NumberText.TryParse(clock, allowSuffix: false, out ulong hz) && hz >= 1000 && hz <= 1_000_000_000)
            {
                clockKhz = (int)(hz / 1000);
            }
        }

        return new Scope(vendor, core, memories, algorithms, voltage, debugInterface, clockKhz);
    }

    private static PdscMemory ReadMemory(XElement m, string fileName)
    {
        string name = Attribute(m, "name") ?? Attribute(m, "id") ?? throw Error(fileName, m, "a <memory> has neither a name nor an id attribute");
        return new PdscMemory(
            name,
            Number(m, "start", $"memory {name}", fileName),
            Number(m, "size", $"memory {name}", fileName),
            Attribute(m, "access"),
            Flag(m, "default"),
            Flag(m, "startup"),
            Line(m));
    }

    private static PdscAlgorithm ReadAlgorithm(XElement a, string fileName)
    {
        string path = Attribute(a, "name") ?? throw Error(fileName, a, "an <algorithm> has no name attribute");
        return new PdscAlgorithm(
            path,
            Number(a, "start", $"algorithm {path}", fileName),
            Number(a, "size", $"algorithm {path}", fileName),
            Flag(a, "default"),
            Line(a));
    }

    private static ulong Number(XElement element, string attribute, string what, string fileName)
    {
        string text = Attribute(element, attribute) ?? throw Error(fileName, element, $"{what} has no {attribute} attribute");
        return NumberText.TryParse(text, allowSuffix: false, out ulong value)
            ? value
            : throw Error(fileName, element, $"{what} has a {attribute} that is not a number ('{YamlFields.Clip(text)}')");
    }

    private static bool Flag(XElement element, string attribute) => Attribute(element, attribute)?.Trim() is "1" or "true";

    private static string VendorName(string dvendor)
    {
        // Dvendor is "Name:Id" (for example "STMicroelectronics:13").
        int colon = dvendor.LastIndexOf(':');
        return (colon > 0 ? dvendor[..colon] : dvendor).Trim();
    }

    private static string? Attribute(XElement element, string name) => element.Attribute(name)?.Value;

    private static XElement? Child(XElement element, string localName) => element.Elements().FirstOrDefault(e => e.Name.LocalName == localName);

    private static IEnumerable<XElement> Children(XElement element, string localName) => element.Elements().Where(e => e.Name.LocalName == localName);

    private static int Line(XObject node) => node is IXmlLineInfo info && info.HasLineInfo() ? info.LineNumber : 0;

    private static DeviceException Error(string fileName, XObject at, string problem) => new($"{fileName} line {Line(at)}: {problem}.");

    private static string Sentence(string message)
    {
        var text = message.Trim();
        return text.EndsWith('.') ? text : text + ".";
    }
}
