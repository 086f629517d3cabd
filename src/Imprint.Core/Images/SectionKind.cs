namespace Imprint.Images;

/// <summary>What an image section holds.</summary>
public enum SectionKind
{
    /// <summary>A firmware memory segment, written to the part at its address.</summary>
    Firmware,

    /// <summary>A flash algorithm (a CMSIS <c>.FLM</c>) the station runs on the target.</summary>
    Algorithm,

    /// <summary>Test code a run-test step loads and runs.</summary>
    TestCode,

    /// <summary>Any other named data.</summary>
    Blob,
}
