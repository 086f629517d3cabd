using Imprint.Formats;

namespace Imprint.Projects;

/// <summary>
/// One script step as a project states it: the step itself and, for run-test, the file its test
/// code comes from. Resolving a project turns the file into an image section and fills in
/// <see cref="ScriptStep.Test"/>; a <c>read-data</c> step without an address is given the
/// device's unique-ID location (or the ID register its label names) then as well.
/// </summary>
/// <param name="Step">The step.</param>
/// <param name="TestCode">The test code to load (run-test only).</param>
public sealed record ProjectStep(ScriptStep Step, TestCodeInput? TestCode = null);

/// <summary>Test code a run-test step loads and runs, as a project states it.</summary>
/// <param name="Path">The code file (ELF or raw binary), relative to the project file's folder.</param>
/// <param name="Format">The format, or <see langword="null"/> to detect it.</param>
/// <param name="LoadAddress">Where the code goes; <see langword="null"/> takes the lowest address of an ELF or Intel HEX file (required for raw binaries).</param>
/// <param name="Entry">Where execution starts; <see langword="null"/> takes the file's entry point or else the load address.</param>
/// <param name="Breakpoint">Where the test stops; the result is read there.</param>
/// <param name="StackPointer">The initial stack pointer, or <see langword="null"/> to keep the current one.</param>
/// <param name="TimeoutMs">How long the test may run, in milliseconds.</param>
/// <param name="ResultRegister">The register holding the result (for example <c>r0</c>).</param>
/// <param name="Expected">The result that means pass.</param>
public sealed record TestCodeInput(
    string Path,
    FirmwareFormat? Format,
    ulong? LoadAddress,
    ulong? Entry,
    ulong Breakpoint,
    ulong? StackPointer,
    int TimeoutMs,
    string ResultRegister,
    ulong Expected);
