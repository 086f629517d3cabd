namespace Imprint.Devices.Cmsis;

/// <summary>A flash algorithm file found in a pack.</summary>
/// <param name="Path">The path the pack description names it by (for example <c>CMSIS/Flash/STM32F4xx_1024.FLM</c>).</param>
/// <param name="FileName">The file name devices refer to it by, and under which an import stores it.</param>
/// <param name="Content">The file's bytes.</param>
/// <param name="Algorithm">The parsed algorithm.</param>
public sealed record PackAlgorithm(string Path, string FileName, ReadOnlyMemory<byte> Content, FlashAlgorithm Algorithm);
