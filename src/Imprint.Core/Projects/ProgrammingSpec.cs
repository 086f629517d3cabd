using Imprint.Devices;

namespace Imprint.Projects;

/// <summary>
/// Everything an image says about how to program a part, apart from the bulk data (firmware,
/// algorithm, test code) that travels in sections. It is what a project resolves to and what
/// an image's signed manifest carries.
/// </summary>
public sealed record ProgrammingSpec
{
    /// <summary>Gets the image's name.</summary>
    public required string Name { get; init; }

    /// <summary>Gets a free-text description.</summary>
    public string Description { get; init; } = "";

    /// <summary>Gets the image type.</summary>
    public ImageType Type { get; init; } = ImageType.Sap;

    /// <summary>Gets the full device description, so a station needs no catalog of its own.</summary>
    public required Device Device { get; init; }

    /// <summary>Gets the connection settings.</summary>
    public required ConnectionSettings Connection { get; init; }

    /// <summary>Gets the power settings.</summary>
    public required PowerSettings Power { get; init; }

    /// <summary>Gets the ordered steps run per unit.</summary>
    public IReadOnlyList<ScriptStep> Script { get; init; } = [];

    /// <summary>Gets the serial number definitions.</summary>
    public IReadOnlyList<SerialDefinition> Serials { get; init; } = [];

    /// <summary>Gets the dynamic-data slots.</summary>
    public IReadOnlyList<DynamicSlot> DynamicSlots { get; init; } = [];

    /// <summary>Gets the restrictions.</summary>
    public Restrictions Restrictions { get; init; } = Restrictions.None;

    /// <summary>Gets the cloud binding; required for JOB images, absent for SAP images.</summary>
    public CloudBinding? Binding { get; init; }
}
