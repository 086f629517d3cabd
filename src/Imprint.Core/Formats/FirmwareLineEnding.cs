namespace Imprint.Formats;

/// <summary>The line end the text writers use.</summary>
public enum FirmwareLineEnding
{
    /// <summary>Carriage return and line feed, as GNU objcopy writes.</summary>
    CrLf,

    /// <summary>Line feed only, as srec_cat writes.</summary>
    Lf,
}
