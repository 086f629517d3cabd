namespace Imprint.Formats;

/// <summary>Recognizes one firmware format from the first bytes of a file.</summary>
public interface IFirmwareFormatDetector
{
    /// <summary>Gets how many leading bytes the detector needs to decide (fewer is fine for shorter files).</summary>
    int HeaderSize { get; }

    /// <summary>Returns whether <paramref name="header"/> starts a file of this detector's format.</summary>
    /// <param name="header">The first bytes of the file (up to <see cref="HeaderSize"/>).</param>
    /// <param name="format">The detected format when the method returns <see langword="true"/>.</param>
    /// <returns><see langword="true"/> when the content looks like this format.</returns>
    bool TryDetect(ReadOnlySpan<byte> header, out FirmwareFormat format);
}
