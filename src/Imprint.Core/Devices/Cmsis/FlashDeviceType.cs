namespace Imprint.Devices.Cmsis;

/// <summary>The kind of flash a CMSIS algorithm programs (<c>FlashDevice.DevType</c>).</summary>
public enum FlashDeviceType
{
    /// <summary>Not stated.</summary>
    Unknown = 0,

    /// <summary>On-chip flash.</summary>
    OnChip = 1,

    /// <summary>External flash on an 8-bit bus.</summary>
    External8Bit = 2,

    /// <summary>External flash on a 16-bit bus.</summary>
    External16Bit = 3,

    /// <summary>External flash on a 32-bit bus.</summary>
    External32Bit = 4,

    /// <summary>External flash on SPI.</summary>
    ExternalSpi = 5,
}
