using Imprint.Memory;
using Imprint.Projects;

namespace Imprint.Images.Internal;

/// <summary>
/// Where each section lies in the body (sections are stored back to back in manifest order),
/// and the rules every image's section list and spec obey, checked when writing and again
/// when reading.
/// </summary>
internal sealed class SectionLayout
{
    private readonly long[] _starts;

    private SectionLayout(IReadOnlyList<ManifestSection> sections, long[] starts, long total)
    {
        Sections = sections;
        _starts = starts;
        Total = total;
    }

    public IReadOnlyList<ManifestSection> Sections { get; }

    public long Total { get; }

    public long StartOf(int index) => _starts[index];

    /// <summary>The index of the section holding body offset <paramref name="offset"/> (empty sections never hold one).</summary>
    public int IndexAt(long offset)
    {
        int i = Array.BinarySearch(_starts, offset);
        if (i < 0) i = ~i - 1;

        // Skip empty sections that share a start with the one holding the byte.
        while (i + 1 < _starts.Length && _starts[i + 1] == offset) i++;
        return i;
    }

    public static SectionLayout Check(IReadOnlyList<ManifestSection> sections, ProgrammingSpec spec, string name)
    {
        if (sections.Count > HeaderFormat.MaxSections)
        {
            throw new ImageException($"{name}: {sections.Count} sections are more than the {HeaderFormat.MaxSections} an image may hold.");
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        var starts = new long[sections.Count];
        long total = 0;
        var firmware = new List<ManifestSection>();
        for (int i = 0; i < sections.Count; i++)
        {
            var s = sections[i];
            if (s.Name.Length is 0 or > ImageSection.MaxNameLength || s.Name.Any(char.IsControl))
            {
                throw new ImageException($"{name}: section {i} has an invalid name; use 1 to {ImageSection.MaxNameLength} printable characters.");
            }

            if (!names.Add(s.Name)) throw new ImageException($"{name}: two sections are named '{s.Name}'.");
            if (!Enum.IsDefined(s.Kind)) throw new ImageException($"{name}: section '{s.Name}' has an unknown kind.");
            if (s.Length < 0 || s.Length > Array.MaxLength - total)
            {
                throw new ImageException($"{name}: section '{s.Name}' is {s.Length} bytes; an image holds at most 2 GiB.");
            }

            if (s.Address is { } a && a + (ulong)s.Length < a)
            {
                throw new ImageException($"{name}: section '{s.Name}' at 0x{a:X8} runs past the end of the address space.");
            }

            if (s.Kind == SectionKind.Firmware)
            {
                if (s.Address is not { } address) throw new ImageException($"{name}: firmware section '{s.Name}' has no address.");
                if (s.Length == 0) throw new ImageException($"{name}: firmware section '{s.Name}' is empty.");
                if (address + (ulong)s.Length > MemoryImage.AddressSpaceEnd)
                {
                    throw new ImageException($"{name}: firmware section '{s.Name}' at 0x{address:X8} extends past the 4 GiB address space.");
                }

                firmware.Add(s);
            }

            starts[i] = total;
            total += s.Length;
        }

        firmware.Sort((x, y) => x.Address!.Value.CompareTo(y.Address!.Value));
        for (int i = 1; i < firmware.Count; i++)
        {
            var (previous, next) = (firmware[i - 1], firmware[i]);
            if (next.Address < previous.Address + (ulong)previous.Length)
            {
                throw new ImageException($"{name}: firmware sections '{previous.Name}' and '{next.Name}' overlap at 0x{next.Address:X8}.");
            }
        }

        CheckSpec(spec, sections, name);
        return new SectionLayout(sections, starts, total);
    }

    private static void CheckSpec(ProgrammingSpec spec, IReadOnlyList<ManifestSection> sections, string name)
    {
        if (spec.Type == ImageType.Job && spec.Binding is null)
        {
            throw new ImageException($"{name}: a JOB image needs a cloud binding (account, factory and cloud URL).");
        }

        if (spec.Type == ImageType.Sap && spec.Binding is not null)
        {
            throw new ImageException($"{name}: a SAP image runs stand-alone and cannot carry a cloud binding.");
        }

        for (int i = 0; i < spec.Script.Count; i++)
        {
            if (spec.Script[i].Test is { } test && !sections.Any(s => s.Name == test.Section && s.Kind == SectionKind.TestCode))
            {
                throw new ImageException($"{name}: script[{i}] runs test code from section '{test.Section}', which the image does not hold as test code.");
            }
        }
    }
}
