namespace Imprint.Targets.Virtual;

/// <summary>Whether the simulated core is halted (registers accessible) or running.</summary>
public enum VirtualCoreState
{
    /// <summary>Halted under debug control.</summary>
    Halted,

    /// <summary>Running: spinning in firmware, a hanging test program or a locked-up core.</summary>
    Running,
}
