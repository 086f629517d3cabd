using System.Buffers.Binary;
using Imprint.Checksums;
using Imprint.Devices;

namespace Imprint.Targets.Virtual;

public sealed partial class VirtualMcu
{
    /// <summary>The signal of a stop at a breakpoint (SIGTRAP).</summary>
    public const int BreakpointSignal = 5;

    /// <summary>The signal of a stop on request (SIGINT).</summary>
    public const int InterruptSignal = 2;

    private const int PcIndex = 15;
    private const int XpsrIndex = 16;

    // Thumb state bit; every Cortex-M core runs with it set.
    private const uint XpsrThumb = 0x0100_0000;

    private readonly uint[] _registers = new uint[17];
    private readonly HashSet<ulong> _breakpoints = [];
    private VirtualCoreState _state;
    private StopEvent _lastStop = new(BreakpointSignal, 0);

    /// <summary>Gets the core register names in GDB order: <c>r0</c>…<c>r12</c>, <c>sp</c>, <c>lr</c>, <c>pc</c>, <c>xpsr</c>.</summary>
    public static IReadOnlyList<string> RegisterNames { get; } =
        ["r0", "r1", "r2", "r3", "r4", "r5", "r6", "r7", "r8", "r9", "r10", "r11", "r12", "sp", "lr", "pc", "xpsr"];

    /// <summary>Gets whether the core is halted or running.</summary>
    public VirtualCoreState State
    {
        get
        {
            lock (_gate) return _state;
        }
    }

    /// <summary>Gets why and where the core last stopped.</summary>
    public StopEvent LastStop
    {
        get
        {
            lock (_gate) return _lastStop;
        }
    }

    /// <summary>Reads a core register by name (case-insensitive).</summary>
    /// <param name="name">One of <see cref="RegisterNames"/>.</param>
    /// <returns>The value.</returns>
    /// <exception cref="TargetException">The name is unknown or the core is running.</exception>
    public uint ReadRegister(string name) => ReadRegister(RegisterIndex(name));

    /// <summary>Writes a core register by name (case-insensitive).</summary>
    /// <param name="name">One of <see cref="RegisterNames"/>.</param>
    /// <param name="value">The value.</param>
    /// <exception cref="TargetException">The name is unknown or the core is running.</exception>
    public void WriteRegister(string name, uint value) => WriteRegister(RegisterIndex(name), value);

    /// <summary>Sets a breakpoint; the core stops when a test program finishes there.</summary>
    /// <param name="address">The address (bit 0, the Thumb bit, is ignored).</param>
    public void AddBreakpoint(ulong address)
    {
        lock (_gate) _breakpoints.Add(address & ~1UL);
    }

    /// <summary>Removes a breakpoint.</summary>
    /// <param name="address">The address (bit 0, the Thumb bit, is ignored).</param>
    /// <returns><see langword="true"/> when a breakpoint was there.</returns>
    public bool RemoveBreakpoint(ulong address)
    {
        lock (_gate) return _breakpoints.Remove(address & ~1UL);
    }

    /// <summary>
    /// Resets the part as a system reset does: SP and PC load from the vector table at the start
    /// of the first flash region, xPSR holds the Thumb bit; RAM and flash keep their contents.
    /// </summary>
    /// <param name="halt">Whether the core stays halted at the reset vector; otherwise it resumes.</param>
    public void Reset(bool halt)
    {
        lock (_gate)
        {
            ResetCore(halt: true);
            if (!halt) ResumeUnlocked();
        }
    }

    /// <summary>Halts the core, or leaves it halted.</summary>
    /// <returns>Why and where the core is stopped (<see cref="InterruptSignal"/> when this call stopped it).</returns>
    public StopEvent Halt()
    {
        lock (_gate)
        {
            if (_state == VirtualCoreState.Running)
            {
                _state = VirtualCoreState.Halted;
                _lastStop = new StopEvent(InterruptSignal, _registers[PcIndex]);
            }

            return _lastStop;
        }
    }

    /// <summary>
    /// Resumes the core at PC. When PC points at a <see cref="VirtualTestProgram"/> in RAM, the
    /// program runs at once and the core continues at the program's end, stopping there when a
    /// breakpoint is set; anything else leaves the core running until <see cref="Halt"/>.
    /// </summary>
    /// <returns>The stop, when the core stopped at a breakpoint; <see langword="null"/> while it runs.</returns>
    public StopEvent? Resume()
    {
        lock (_gate) return ResumeUnlocked();
    }

    internal uint ReadRegister(int index)
    {
        lock (_gate)
        {
            EnsureHalted(index);
            return _registers[index];
        }
    }

    internal void WriteRegister(int index, uint value)
    {
        lock (_gate)
        {
            EnsureHalted(index);
            _registers[index] = value;
        }
    }

    internal static int RegisterIndex(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        for (int i = 0; i < RegisterNames.Count; i++)
        {
            if (string.Equals(RegisterNames[i], name, StringComparison.OrdinalIgnoreCase)) return i;
        }

        throw new TargetException($"register '{name}' does not exist; use r0-r12, sp, lr, pc or xpsr.");
    }

    private void EnsureHalted(int index)
    {
        if (_state != VirtualCoreState.Halted)
        {
            throw new TargetException($"the core is running; halt it before accessing register {RegisterNames[index]}.", isTransient: true);
        }
    }

    private void ResetCore(bool halt)
    {
        Array.Clear(_registers);
        _registers[14] = 0xFFFF_FFFF;
        ulong vectors = Device.Memory.FirstOrDefault(r => r.Kind == MemoryKind.Flash)?.Start ?? 0;
        _registers[13] = ReadWordOr(vectors, 0xFFFF_FFFF) & ~3u;
        _registers[PcIndex] = ReadWordOr(vectors + 4, 0xFFFF_FFFF) & ~1u;
        _registers[XpsrIndex] = XpsrThumb;
        _state = halt ? VirtualCoreState.Halted : VirtualCoreState.Running;
        _lastStop = new StopEvent(BreakpointSignal, _registers[PcIndex]);
    }

    private StopEvent? ResumeUnlocked()
    {
        _state = VirtualCoreState.Running;
        ulong entry = _registers[PcIndex] & ~1u;
        if (RegionAt(entry) is not { Region.Kind: MemoryKind.Ram } region || entry + VirtualTestProgram.Size > region.Region.End)
        {
            return null;
        }

        var header = region.Slice(entry, VirtualTestProgram.Size);
        if (BinaryPrimitives.ReadUInt32LittleEndian(header) != VirtualTestProgram.Magic) return null;
        uint opcode = BinaryPrimitives.ReadUInt32LittleEndian(header[4..]);
        uint arg0 = BinaryPrimitives.ReadUInt32LittleEndian(header[8..]);
        uint arg1 = BinaryPrimitives.ReadUInt32LittleEndian(header[12..]);
        switch (opcode)
        {
            case VirtualTestProgram.OpPass:
                _registers[0] = 0;
                break;
            case VirtualTestProgram.OpFail:
                _registers[0] = arg0;
                break;
            case VirtualTestProgram.OpCrc32:
                var bytes = new byte[arg1];
                try
                {
                    ReadUnlocked(arg0, bytes);
                }
                catch (TargetException)
                {
                    // A real core would take a bus fault and lock up: it never reaches the breakpoint.
                    return null;
                }

                _registers[0] = Crc32.Compute(bytes);
                break;
            default:
                // Hang, or an unknown opcode (a real core would fault and lock up).
                return null;
        }

        ulong done = entry + VirtualTestProgram.Size;
        _registers[PcIndex] = (uint)done;
        if (!_breakpoints.Contains(done)) return null;
        _state = VirtualCoreState.Halted;
        _lastStop = new StopEvent(BreakpointSignal, done);
        return _lastStop;
    }

    private uint ReadWordOr(ulong address, uint fallback)
    {
        Span<byte> word = stackalloc byte[4];
        try
        {
            ReadUnlocked(address, word);
            return BinaryPrimitives.ReadUInt32LittleEndian(word);
        }
        catch (TargetException)
        {
            return fallback;
        }
    }
}
