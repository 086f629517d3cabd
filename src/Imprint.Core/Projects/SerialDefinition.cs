namespace Imprint.Projects;

/// <summary>How a serial number is written into the part.</summary>
public enum SerialEncoding
{
    /// <summary>Unsigned binary, little-endian, <see cref="SerialDefinition.Width"/> bytes.</summary>
    BinaryLittleEndian,

    /// <summary>Unsigned binary, big-endian.</summary>
    BinaryBigEndian,

    /// <summary>ASCII decimal digits, zero-padded to the width (after the format pattern is applied).</summary>
    AsciiDecimal,

    /// <summary>ASCII upper-case hexadecimal digits, zero-padded.</summary>
    AsciiHex,

    /// <summary>Packed binary-coded decimal, two digits per byte, most significant first.</summary>
    Bcd,
}

/// <summary>
/// A named serial number written into every unit.
/// </summary>
/// <remarks>
/// The number for the n-th unit drawn from <see cref="Pool"/> is <see cref="ValueAt"/>(n);
/// <see cref="SerialEncoder"/> turns it into the bytes written at <see cref="Address"/>.
/// </remarks>
/// <param name="Name">The name script steps refer to.</param>
/// <param name="Pool">The counter it draws from; images naming the same pool share one sequence.</param>
/// <param name="Address">Where it is written.</param>
/// <param name="Width">How many bytes it occupies in the part.</param>
/// <param name="Encoding">How the number becomes bytes.</param>
/// <param name="Start">The first number.</param>
/// <param name="Step">The increment between units.</param>
/// <param name="Format">
/// For ASCII encodings, a pattern with fixed text around one placeholder, for example
/// <c>SN-{0:D6}</c>; <see langword="null"/> writes the bare number. See <see cref="SerialEncoder"/>.
/// </param>
public sealed record SerialDefinition(
    string Name,
    string Pool,
    ulong Address,
    int Width,
    SerialEncoding Encoding,
    ulong Start,
    ulong Step,
    string? Format)
{
    /// <summary>Gets the address just past the serial number's bytes.</summary>
    public ulong End => Address + (ulong)Width;

    /// <summary>
    /// Returns the number for the unit at <paramref name="index"/> in the sequence:
    /// <see cref="Start"/> + <paramref name="index"/> × <see cref="Step"/>.
    /// </summary>
    /// <param name="index">The zero-based position in the sequence.</param>
    /// <returns>The serial number.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is negative.</exception>
    /// <exception cref="SerialException">The number exceeds 2^64 - 1.</exception>
    public ulong ValueAt(long index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        try
        {
            return checked(Start + ((ulong)index * Step));
        }
        catch (OverflowException)
        {
            throw new SerialException(
                $"serial '{Name}': the number at index {index} ({Start} + {index} × {Step}) exceeds 18446744073709551615.");
        }
    }
}

/// <summary>A per-unit data slot filled at program time (MAC address, calibration, keys).</summary>
/// <param name="Name">The name the caller supplies data for.</param>
/// <param name="Address">Where the bytes are written.</param>
/// <param name="Length">Exactly how many bytes the caller must supply.</param>
public sealed record DynamicSlot(string Name, ulong Address, int Length);
