using Imprint.Memory;
using Imprint.Projects;

namespace Imprint.Station.Execution;

/// <summary>
/// An image the station has opened and trusts: signature and hashes checked, firmware
/// decrypted with a held key. It lives in memory only; the store keeps the file as delivered.
/// </summary>
/// <param name="ImageId">The image's unique id (what restrictions are counted by).</param>
/// <param name="Crc">The image's CRC-32, logged with every unit.</param>
/// <param name="Spec">How to program a part.</param>
/// <param name="Firmware">The bytes to program.</param>
/// <param name="Sections">Other named payloads (test code for run-test steps), by section name.</param>
/// <param name="Signer">The fingerprint of the key that signed the image.</param>
public sealed record StationImage(
    string ImageId,
    uint Crc,
    ProgrammingSpec Spec,
    MemoryImage Firmware,
    IReadOnlyDictionary<string, ReadOnlyMemory<byte>> Sections,
    string Signer)
{
    /// <summary>Gets the image's name.</summary>
    public string Name => Spec.Name;
}
