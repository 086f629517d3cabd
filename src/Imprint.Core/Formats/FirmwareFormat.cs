namespace Imprint.Formats;

/// <summary>The firmware file formats Imprint reads and writes.</summary>
public enum FirmwareFormat
{
    /// <summary>Intel HEX (record types 00–05).</summary>
    IntelHex,

    /// <summary>Motorola S-record (S0–S9).</summary>
    SRecord,

    /// <summary>ELF32 or ELF64, little- or big-endian; read only (loadable segments at their physical address).</summary>
    Elf,

    /// <summary>Raw binary: bytes from a base address, no metadata.</summary>
    Binary,
}
