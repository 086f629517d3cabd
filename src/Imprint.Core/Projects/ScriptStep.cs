namespace Imprint.Projects;

/// <summary>What a script step does.</summary>
public enum StepKind
{
    /// <summary>Erase flash: the chip, the sectors the firmware covers, or a range.</summary>
    Erase,

    /// <summary>Check that a range (or the firmware's sectors) reads as erased.</summary>
    BlankCheck,

    /// <summary>Program the firmware.</summary>
    Program,

    /// <summary>Verify the firmware by read-back or checksum.</summary>
    Verify,

    /// <summary>Write a serial number.</summary>
    ProgramSerial,

    /// <summary>Write a dynamic-data slot.</summary>
    ProgramDynamic,

    /// <summary>Read bytes from the part into the log (for example the unique ID).</summary>
    ReadData,

    /// <summary>Load and run test code; a failed test fails the unit.</summary>
    RunTest,

    /// <summary>Write option or configuration bytes.</summary>
    WriteOptionBytes,

    /// <summary>Reset the part.</summary>
    Reset,

    /// <summary>Wait.</summary>
    Delay,

    /// <summary>Switch target power on or off.</summary>
    Power,
}

/// <summary>How an erase step chooses what to erase.</summary>
public enum EraseMode
{
    /// <summary>
    /// The sectors the firmware, the serial numbers and the dynamic slots cover, so per-unit
    /// data can be written into erased flash on parts that need an erase before programming.
    /// </summary>
    Sectors,

    /// <summary>The whole chip.</summary>
    Chip,

    /// <summary>The sectors covering [Start, End).</summary>
    Range,
}

/// <summary>How a verify step compares.</summary>
public enum VerifyMode
{
    /// <summary>Read every byte back.</summary>
    ReadBack,

    /// <summary>Compare a CRC computed by the debug server, falling back to read-back.</summary>
    Checksum,
}

/// <summary>
/// One step of the script a station runs per unit. Which properties apply depends on
/// <see cref="Kind"/>; the project validator says which are required.
/// </summary>
public sealed record ScriptStep
{
    /// <summary>Gets what the step does.</summary>
    public required StepKind Kind { get; init; }

    /// <summary>Gets the erase mode (erase).</summary>
    public EraseMode? Erase { get; init; }

    /// <summary>Gets the verify mode (verify).</summary>
    public VerifyMode? Verify { get; init; }

    /// <summary>Gets the first address (erase range, blank check, read-data, option bytes).</summary>
    public ulong? Address { get; init; }

    /// <summary>Gets the length in bytes (erase range, blank check, read-data).</summary>
    public ulong? Length { get; init; }

    /// <summary>Gets the serial definition name (program-serial) or dynamic slot name (program-dynamic).</summary>
    public string? Name { get; init; }

    /// <summary>Gets the label under which read data or a test result is logged (read-data, run-test).</summary>
    public string? Label { get; init; }

    /// <summary>Gets the bytes to write (option bytes).</summary>
    public byte[]? Data { get; init; }

    /// <summary>Gets the test program (run-test).</summary>
    public TestProgram? Test { get; init; }

    /// <summary>Gets whether reset leaves the core halted (reset).</summary>
    public bool? Halt { get; init; }

    /// <summary>Gets the delay in milliseconds (delay).</summary>
    public int? Milliseconds { get; init; }

    /// <summary>Gets whether power is switched on (power).</summary>
    public bool? On { get; init; }
}

/// <summary>
/// Test code a run-test step loads into RAM and runs to a breakpoint. The code travels in the
/// image as its own section, named by <see cref="Section"/>.
/// </summary>
/// <param name="Section">The image section holding the code.</param>
/// <param name="LoadAddress">Where the code is loaded (RAM).</param>
/// <param name="Entry">Where execution starts.</param>
/// <param name="Breakpoint">Where execution must stop.</param>
/// <param name="StackPointer">The initial stack pointer, or <see langword="null"/> to keep the current one.</param>
/// <param name="TimeoutMs">How long the test may run, in milliseconds.</param>
/// <param name="ResultRegister">The register holding the result when stopped (for example <c>r0</c>).</param>
/// <param name="Expected">The result that means pass.</param>
public sealed record TestProgram(
    string Section,
    ulong LoadAddress,
    ulong Entry,
    ulong Breakpoint,
    ulong? StackPointer,
    int TimeoutMs,
    string ResultRegister,
    ulong Expected);
