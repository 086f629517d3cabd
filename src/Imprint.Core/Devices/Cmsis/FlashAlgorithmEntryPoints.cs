namespace Imprint.Devices.Cmsis;

/// <summary>
/// The functions of a flash algorithm, as offsets into <see cref="FlashAlgorithm.Code"/> with
/// the Thumb bit cleared. The first four are mandatory; the others are <see langword="null"/>
/// when the algorithm does not provide them.
/// </summary>
/// <param name="Init">Offset of <c>int Init(unsigned long adr, unsigned long clk, unsigned long fnc)</c>.</param>
/// <param name="UnInit">Offset of <c>int UnInit(unsigned long fnc)</c>.</param>
/// <param name="EraseSector">Offset of <c>int EraseSector(unsigned long adr)</c>.</param>
/// <param name="ProgramPage">Offset of <c>int ProgramPage(unsigned long adr, unsigned long sz, unsigned char *buf)</c>.</param>
/// <param name="EraseChip">Offset of <c>int EraseChip(void)</c>, when present.</param>
/// <param name="Verify">Offset of <c>unsigned long Verify(unsigned long adr, unsigned long sz, unsigned char *buf)</c>, when present.</param>
/// <param name="BlankCheck">Offset of <c>int BlankCheck(unsigned long adr, unsigned long sz, unsigned char pat)</c>, when present.</param>
public sealed record FlashAlgorithmEntryPoints(
    uint Init,
    uint UnInit,
    uint EraseSector,
    uint ProgramPage,
    uint? EraseChip,
    uint? Verify,
    uint? BlankCheck);
