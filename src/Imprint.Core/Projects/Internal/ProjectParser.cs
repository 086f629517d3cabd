using Imprint.Formats;

namespace Imprint.Projects.Internal;

/// <summary>
/// Turns a project document into a <see cref="Project"/>, checking the shape of every field
/// (types, required fields, unknown fields, step kinds) and collecting every problem. Rules that
/// relate fields to each other, to the device or to the input files are the validator's.
/// </summary>
internal static partial class ProjectParser
{
    public const string DefaultTestLabel = "test";
    public const int DefaultTestTimeoutMs = 5000;

    private static readonly string[] TopLevel =
        ["name", "description", "type", "device", "connection", "power", "firmware", "algorithm", "script", "serials", "dynamic", "restrictions", "cloud"];

    public static Project Parse(string text, string filePath, string displayName)
    {
        var sink = new ErrorSink(displayName);
        var root = ProjectYaml.Read(text, displayName) ?? new YMap(1, 1, []);
        if (root is not YMap)
        {
            throw new ProjectException(displayName, new ProjectError("", "a project file must be a mapping of fields (name: …, device: …)", root.Line, root.Column));
        }

        var f = Fields.Of(root, "", sink, "project fields")!;
        string? name = f.String("name", required: true);
        string? description = f.String("description");
        var type = f.Choice("type", ProjectNames.ImageTypes);
        string? device = f.String("device", required: true);
        var connection = ParseConnection(f);
        var power = ParsePower(f);
        var firmware = ParseFirmware(f);
        string? algorithm = f.String("algorithm");
        var script = ParseScript(f);
        var serials = ParseSerials(f);
        var slots = ParseSlots(f);
        var restrictions = ParseRestrictions(f);
        var binding = ParseBinding(f);
        f.RefuseUnknown(TopLevel);
        sink.ThrowIfAny();

        return new Project
        {
            FilePath = Path.GetFullPath(filePath),
            DisplayName = displayName,
            Name = name!,
            Description = description ?? "",
            Type = type ?? ImageType.Sap,
            DeviceName = device!,
            Connection = connection,
            Power = power,
            Firmware = firmware,
            AlgorithmPath = algorithm,
            Script = script,
            Serials = serials,
            DynamicSlots = slots,
            Restrictions = restrictions,
            Binding = binding,
            FieldLines = sink.Lines,
        };
    }

    private static ProjectConnection ParseConnection(Fields root)
    {
        if (root.Map("connection", "connection settings (interface, clockKhz)") is not { } f) return ProjectConnection.Default;
        var result = new ProjectConnection(f.Choice("interface", ProjectNames.Interfaces), f.Int("clockKhz", 1, 1_000_000));
        f.RefuseUnknown("interface", "clockKhz");
        return result;
    }

    private static PowerSettings ParsePower(Fields root)
    {
        var defaults = new PowerSettings(0, 0, false);
        if (root.Map("power", "power settings (voltage, powerOnDelayMs, powerOffAfter)") is not { } f) return defaults;
        var result = new PowerSettings(
            f.Decimal("voltage") ?? defaults.Voltage,
            f.Int("powerOnDelayMs", 0, 60_000) ?? defaults.PowerOnDelayMs,
            f.Bool("powerOffAfter") ?? defaults.PowerOffAfter);
        f.RefuseUnknown("voltage", "powerOnDelayMs", "powerOffAfter");
        return result;
    }

    private static List<FirmwareInput> ParseFirmware(Fields root)
    {
        var result = new List<FirmwareInput>();
        if (root.List("firmware") is not { } list) return result;
        for (int i = 0; i < list.Items.Count; i++)
        {
            string path = $"firmware[{i}]";
            var item = list.Items[i];
            if (item is YScalar { IsNull: false } s)
            {
                root.Sink.Lines.TryAdd(path + ".path", s.Line);
                result.Add(new FirmwareInput(s.Value));
                continue;
            }

            if (Fields.Of(item, path, root.Sink, "firmware input fields (path, format, base)") is not { } f) continue;
            string? file = f.String("path", required: true);
            var format = f.Choice("format", ProjectNames.Formats);
            ulong? baseAddress = f.Number("base");
            f.RefuseUnknown("path", "format", "base");
            if (baseAddress is not null && format is { } given && given != FirmwareFormat.Binary)
            {
                f.Error("base", $"applies only to binary inputs, not to format '{ProjectNames.Of(given)}'");
            }

            if (file is not null) result.Add(new FirmwareInput(file, format, baseAddress));
        }

        return result;
    }

    private static List<ProjectStep> ParseScript(Fields root)
    {
        var result = new List<ProjectStep>();
        if (root.List("script") is not { } list)
        {
            if (!root.Has("script")) root.Error("script", "is required; list the steps a station runs for each unit (erase, program, verify, …)");
            return result;
        }

        for (int i = 0; i < list.Items.Count; i++)
        {
            if (ParseStep(root.Sink, list.Items[i], $"script[{i}]") is { } step) result.Add(step);
        }

        return result;
    }

    private static List<SerialDefinition> ParseSerials(Fields root)
    {
        var result = new List<SerialDefinition>();
        if (root.List("serials") is not { } list) return result;
        for (int i = 0; i < list.Items.Count; i++)
        {
            if (Fields.Of(list.Items[i], $"serials[{i}]", root.Sink, "serial fields (name, address, width, encoding, …)") is not { } f) continue;
            string? name = f.String("name", required: true);
            string? pool = f.String("pool");
            ulong? address = f.Number("address", required: true);
            int? width = f.Int("width", 1, SerialPattern.MaxWidth, required: true);
            var encoding = f.Choice("encoding", ProjectNames.Encodings);
            ulong? start = f.Number("start");
            ulong? step = f.Number("step");
            string? format = f.String("format");
            f.RefuseUnknown("name", "pool", "address", "width", "encoding", "start", "step", "format");
            if (name is null || address is null || width is null) continue;
            if (pool is { Length: 0 }) f.Error("pool", "must not be empty");
            result.Add(new SerialDefinition(name, pool ?? name, address.Value, width.Value, encoding ?? SerialEncoding.BinaryLittleEndian, start ?? 1, step ?? 1, format));
        }

        return result;
    }

    private static List<DynamicSlot> ParseSlots(Fields root)
    {
        var result = new List<DynamicSlot>();
        if (root.List("dynamic") is not { } list) return result;
        for (int i = 0; i < list.Items.Count; i++)
        {
            if (Fields.Of(list.Items[i], $"dynamic[{i}]", root.Sink, "dynamic slot fields (name, address, length)") is not { } f) continue;
            string? name = f.String("name", required: true);
            ulong? address = f.Number("address", required: true);
            int? length = f.Int("length", 1, 65536, required: true);
            f.RefuseUnknown("name", "address", "length");
            if (name is not null && address is not null && length is not null) result.Add(new DynamicSlot(name, address.Value, length.Value));
        }

        return result;
    }

    private static Restrictions ParseRestrictions(Fields root)
    {
        if (root.Map("restrictions", "restrictions (maxCount, validFrom, validUntil)") is not { } f) return Restrictions.None;
        var result = new Restrictions(f.SignedNumber("maxCount"), f.Date("validFrom", endOfDay: false), f.Date("validUntil", endOfDay: true));
        f.RefuseUnknown("maxCount", "validFrom", "validUntil");
        return result;
    }

    private static CloudBinding? ParseBinding(Fields root)
    {
        if (root.Map("cloud", "cloud binding fields (account, factory, url)") is not { } f) return null;
        string? account = f.String("account", required: true);
        string? factory = f.String("factory", required: true);
        string? url = f.String("url", required: true);
        f.RefuseUnknown("account", "factory", "url");
        return account is null || factory is null || url is null ? null : new CloudBinding(account, factory, url);
    }
}
