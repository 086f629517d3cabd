using Imprint.Devices;
using Imprint.Devices.Cmsis;
using Imprint.Formats;
using Imprint.Images;
using Imprint.Memory;
using Imprint.Projects.Internal;

namespace Imprint.Projects;

/// <content>Checking a project against its device and inputs, and turning it into image content.</content>
public sealed partial record Project
{
    /// <summary>The name of the section holding the flash algorithm.</summary>
    public const string AlgorithmSectionName = "algorithm";

    /// <summary>Returns the name of the section holding the test code of script step <paramref name="stepIndex"/>.</summary>
    /// <param name="stepIndex">The run-test step's index in the script.</param>
    /// <returns>For example <c>test@script[3]</c>.</returns>
    public static string TestSectionName(int stepIndex) => $"test@script[{stepIndex}]";

    /// <summary>
    /// Checks every rule and reads every input, looking the device up in <paramref name="catalog"/>;
    /// when the device is written by a flash algorithm and the project names none, the catalog's
    /// algorithm file is carried if it has one.
    /// </summary>
    /// <param name="catalog">The device catalog.</param>
    /// <param name="ct">Cancels reading the inputs.</param>
    /// <returns>The spec and sections of the image.</returns>
    /// <exception cref="ProjectException">A rule is broken or an input is missing or malformed; <see cref="ProjectException.Errors"/> lists every problem found.</exception>
    public Task<ResolvedProject> ResolveAsync(DeviceCatalog catalog, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        var device = catalog.Find(DeviceName);
        string? algorithm = null;
        if (device is { FlashMethod: FlashMethod.Algorithm, Algorithm: not null } && AlgorithmPath is null && EmbeddedFiles is null)
        {
            try
            {
                algorithm = catalog.GetAlgorithmPath(device);
            }
            catch (DeviceException)
            {
                // A built-in device names its algorithm but ships no file: the station then
                // relies on the debug server, so the image carries no algorithm.
            }
        }

        return ResolveCoreAsync(device, algorithm, ct);
    }

    /// <summary>Checks every rule and reads every input, for a given device.</summary>
    /// <param name="device">The device; its name need not match <see cref="DeviceName"/> (a bundle carries the device it was made with).</param>
    /// <param name="ct">Cancels reading the inputs.</param>
    /// <returns>The spec and sections of the image.</returns>
    /// <exception cref="ProjectException">A rule is broken or an input is missing or malformed; <see cref="ProjectException.Errors"/> lists every problem found.</exception>
    public Task<ResolvedProject> ResolveAsync(Device device, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(device);
        return ResolveCoreAsync(device, null, ct);
    }

    private async Task<ResolvedProject> ResolveCoreAsync(Device? device, string? catalogAlgorithm, CancellationToken ct)
    {
        var sink = new ErrorSink(DisplayName);
        var validator = new ProjectValidator(this, sink);
        validator.CheckRules();
        if (device is null)
        {
            sink.Add("device", $"names unknown device '{ProjectYaml.Clip(DeviceName)}'; run `imprint device list` to see the catalog", FieldLines);
        }

        var inputs = new List<MemoryImage?>(Firmware.Count);
        for (int i = 0; i < Firmware.Count; i++)
        {
            var input = Firmware[i];
            var read = await ReadInputAsync(sink, $"firmware[{i}]", input.Path, input.Format, input.Base, ct).ConfigureAwait(false);
            inputs.Add(read?.Image);
        }

        var tests = new Dictionary<int, (MemoryImage Image, bool OwnAddresses)>();
        for (int i = 0; i < Script.Count; i++)
        {
            if (Script[i].TestCode is not { } test) continue;
            var read = await ReadInputAsync(sink, $"script[{i}]", test.Path, test.Format, null, ct, binaryBase: test.LoadAddress ?? 0).ConfigureAwait(false);
            if (read is { } r) tests[i] = (r.Image, r.Format != FirmwareFormat.Binary);
        }

        byte[]? algorithm = null;
        string? algorithmFile = AlgorithmPath ?? catalogAlgorithm;
        if (algorithmFile is not null)
        {
            algorithm = await ReadAlgorithmAsync(sink, algorithmFile, ct).ConfigureAwait(false);
        }

        if (device is null)
        {
            sink.ThrowIfAny();
            throw new InvalidOperationException("An unknown device must have been reported.");
        }

        var steps = validator.CheckDevice(device);
        var firmware = validator.CheckFirmware(device, inputs);
        var sections = new List<ImageSection>(ImageSection.FromFirmware(firmware));
        foreach (var (index, (image, own)) in tests.OrderBy(t => t.Key))
        {
            var test = Script[index].TestCode!;
            if (validator.CheckTestCode(device, index, test, image, own) is not { } code) continue;
            string name = TestSectionName(index);
            sections.Add(new ImageSection(name, SectionKind.TestCode, code.LoadAddress, code.Code));
            steps[index] = steps[index] with
            {
                Test = new TestProgram(name, code.LoadAddress, code.Entry, test.Breakpoint, test.StackPointer, test.TimeoutMs, test.ResultRegister, test.Expected),
            };
        }

        if (algorithm is not null) sections.Add(new ImageSection(AlgorithmSectionName, SectionKind.Algorithm, null, algorithm));
        sink.ThrowIfAny();

        var spec = new ProgrammingSpec
        {
            Name = Name,
            Description = Description,
            Type = Type,
            Device = device,
            Connection = Connection.For(device),
            Power = Power,
            Script = steps,
            Serials = Serials,
            DynamicSlots = DynamicSlots,
            Restrictions = Restrictions,
            Binding = Binding,
        };
        return new ResolvedProject(spec, sections) { Firmware = firmware };
    }

    // Reads one input; a base address is the project's "base" field (firmware), while test code
    // passes its load address as binaryBase since it applies only when the file is raw binary.
    private async Task<(MemoryImage Image, FirmwareFormat Format)?> ReadInputAsync(
        ErrorSink sink, string at, string path, FirmwareFormat? format, ulong? baseAddress, CancellationToken ct, ulong binaryBase = 0)
    {
        if (await ReadFileAsync(sink, at + ".path", path, ct).ConfigureAwait(false) is not { } bytes) return null;

        var actual = format ?? FirmwareFile.Detect(bytes, path);
        if (actual != FirmwareFormat.Binary && baseAddress is not null)
        {
            sink.Add(at + ".base", $"applies only to binary inputs, but '{ProjectYaml.Clip(path)}' is {ProjectNames.Of(actual)}", FieldLines);
            return null;
        }

        try
        {
            return (FirmwareFile.Read(bytes, path, actual, baseAddress ?? binaryBase), actual);
        }
        catch (ImprintException ex)
        {
            sink.Add(at + ".path", $"names '{ProjectYaml.Clip(path)}', which cannot be read: {ex.Message.TrimEnd('.')}", FieldLines);
            return null;
        }
    }

    // The catalog's algorithm is named by its full path; the project's by the path it writes.
    private async Task<byte[]?> ReadAlgorithmAsync(ErrorSink sink, string path, CancellationToken ct)
    {
        if (await ReadFileAsync(sink, "algorithm", path, ct).ConfigureAwait(false) is not { } bytes) return null;
        try
        {
            FlmReader.Read(bytes, Path.GetFileName(path));
            return bytes;
        }
        catch (ImprintException ex)
        {
            sink.Add("algorithm", $"names '{ProjectYaml.Clip(path)}', which is not a usable flash algorithm: {ex.Message.TrimEnd('.')}", FieldLines);
            return null;
        }
    }

    private async Task<byte[]?> ReadFileAsync(ErrorSink sink, string at, string path, CancellationToken ct)
    {
        if (EmbeddedFiles is not null)
        {
            if (EmbeddedFiles.TryGetValue(path, out var held)) return held;
            sink.Add(at, $"names '{ProjectYaml.Clip(path)}', which the bundle does not hold", FieldLines);
            return null;
        }

        string full = ResolvePath(path);
        if (!File.Exists(full))
        {
            sink.Add(at, $"names '{ProjectYaml.Clip(path)}', which does not exist", FieldLines);
            return null;
        }

        try
        {
            return await File.ReadAllBytesAsync(full, ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            sink.Add(at, $"names '{ProjectYaml.Clip(path)}', which cannot be read: {ex.Message.TrimEnd('.')}", FieldLines);
            return null;
        }
    }
}
