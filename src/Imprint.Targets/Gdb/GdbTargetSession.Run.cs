using System.Buffers.Binary;
using System.Text;
using Imprint.Targets.Gdb.Internal;

namespace Imprint.Targets.Gdb;

/// <summary>Registers and running code to a breakpoint.</summary>
public sealed partial class GdbTargetSession
{
    private const int ThumbBit = 1 << 24;

    /// <inheritdoc/>
    public async Task<ulong> ReadRegisterAsync(string name, CancellationToken cancellationToken = default)
    {
        var client = await ReadyAsync(cancellationToken).ConfigureAwait(false);
        return await ReadRegisterCoreAsync(client, Register(name), cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async Task WriteRegisterAsync(string name, ulong value, CancellationToken cancellationToken = default)
    {
        var client = await ReadyAsync(cancellationToken).ConfigureAwait(false);
        await WriteRegisterCoreAsync(client, Register(name), value, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    /// <remarks>
    /// Sets the breakpoint with <c>Z0</c> (software), or <c>Z1</c> (hardware) when the server
    /// refuses <c>Z0</c>, resumes with <c>vCont;c</c> or <c>c</c>, and removes the breakpoint
    /// however the run ends. On timeout the core is interrupted (0x03) and a
    /// <see cref="TargetException"/> names the breakpoint and where the core was. On Cortex-M,
    /// starting at <paramref name="entry"/> also sets the Thumb bit of xPSR. A <c>BKPT</c>
    /// instruction does not stop M-profile cores under QEMU: end test code in a loop and
    /// break on it.
    /// </remarks>
    public async Task<StopEvent> RunToBreakpointAsync(ulong? entry, ulong breakpoint, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var client = await ReadyAsync(cancellationToken).ConfigureAwait(false);
        var pc = Register("pc");
        if (entry is ulong start)
        {
            if (IsCortexM)
            {
                await WriteRegisterCoreAsync(client, pc, start & ~1UL, cancellationToken).ConfigureAwait(false);
                var xpsr = Register("xpsr");
                ulong status = await ReadRegisterCoreAsync(client, xpsr, cancellationToken).ConfigureAwait(false);
                if ((status & ThumbBit) == 0) await WriteRegisterCoreAsync(client, xpsr, status | ThumbBit, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await WriteRegisterCoreAsync(client, pc, start, cancellationToken).ConfigureAwait(false);
            }
        }

        int kind = _options.BreakpointKind ?? (IsCortexM ? 2 : 4);
        ulong at = IsCortexM ? breakpoint & ~1UL : breakpoint;
        int type = 0;
        if (!await client.InsertBreakpointAsync(0, at, kind, cancellationToken).ConfigureAwait(false))
        {
            type = 1;
            if (!await client.InsertBreakpointAsync(1, at, kind, cancellationToken).ConfigureAwait(false))
            {
                throw new TargetException($"The debug server at {client.Endpoint} supports neither software (Z0) nor hardware (Z1) breakpoints, needed at 0x{at:X8}.", address: at);
            }
        }

        StopReply? stop;
        ulong? haltedAt = null;
        string operation = $"running to the breakpoint at 0x{at:X8}";
        var console = new StringBuilder();
        try
        {
            await client.ContinueAsync(_useVCont, cancellationToken).ConfigureAwait(false);
            _running = true;
            stop = await client.WaitForStopAsync(timeout, console, operation, at, cancellationToken).ConfigureAwait(false);
            if (stop is null)
            {
                await client.InterruptAsync(cancellationToken).ConfigureAwait(false);
                stop = await client.WaitForStopAsync(_options.RequestTimeout, console, operation, at, cancellationToken).ConfigureAwait(false);
                if (stop is null)
                {
                    client.Invalidate();
                    throw new TargetException($"The target did not reach the breakpoint at 0x{at:X8} within {GdbClient.Seconds(timeout)} s and did not halt when interrupted.", isTransient: true, address: at);
                }

                _running = false;
                haltedAt = await ReadRegisterCoreAsync(client, pc, cancellationToken).ConfigureAwait(false);
            }

            _running = false;
        }
        catch when (!_running && !client.IsBroken)
        {
            // Leave no breakpoint behind; the original failure is what the caller needs to see.
            try
            {
                await client.RemoveBreakpointAsync(type, at, kind, CancellationToken.None).ConfigureAwait(false);
            }
            catch (TargetException)
            {
            }

            throw;
        }

        await client.RemoveBreakpointAsync(type, at, kind, cancellationToken).ConfigureAwait(false);
        if (haltedAt is ulong where)
        {
            throw new TargetException($"The target did not reach the breakpoint at 0x{at:X8} within {GdbClient.Seconds(timeout)} s; it was halted at 0x{where:X8}.", address: at);
        }

        if (stop.Kind != StopKind.Signal)
        {
            string how = stop.Kind == StopKind.Exited ? "exited with status" : "was terminated by signal";
            throw new TargetException($"The target {how} {stop.Code} before reaching the breakpoint at 0x{at:X8}.", address: at);
        }

        ulong counter = stop.Registers.TryGetValue(pc.Number, out byte[]? raw) && raw.Length >= pc.Size
            ? Decode(raw)
            : await ReadRegisterCoreAsync(client, pc, cancellationToken).ConfigureAwait(false);
        return new StopEvent(stop.Code, counter);
    }

    private RegisterInfo Register(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return _registers.TryGet(name, out var register)
            ? register
            : throw new TargetException($"The target has no register named '{name}' (registers from {_registers.Source}).");
    }

    private async Task<ulong> ReadRegisterCoreAsync(GdbClient client, RegisterInfo register, CancellationToken cancellationToken)
    {
        byte[]? value = await client.ReadRegisterAsync(register, cancellationToken).ConfigureAwait(false);
        if (value is null)
        {
            byte[] all = await client.ReadRegistersAsync(cancellationToken).ConfigureAwait(false);
            if (all.Length < register.Offset + register.Size)
            {
                throw new TargetException($"The debug server at {client.Endpoint} answered g with {all.Length} bytes, too few to hold register {register.Name}.");
            }

            value = all.AsSpan(register.Offset, register.Size).ToArray();
        }

        return Decode(value);
    }

    private async Task WriteRegisterCoreAsync(GdbClient client, RegisterInfo register, ulong value, CancellationToken cancellationToken)
    {
        byte[] bytes = Encode(value, register.Size);
        if (await client.WriteRegisterAsync(register, bytes, cancellationToken).ConfigureAwait(false)) return;

        byte[] all = await client.ReadRegistersAsync(cancellationToken).ConfigureAwait(false);
        if (all.Length < register.Offset + register.Size)
        {
            throw new TargetException($"The debug server at {client.Endpoint} answered g with {all.Length} bytes, too few to hold register {register.Name}.");
        }

        bytes.CopyTo(all, register.Offset);
        await client.WriteRegistersAsync(all, cancellationToken).ConfigureAwait(false);
    }

    // Register values travel in target byte order: little-endian on Arm.
    private static ulong Decode(byte[] value)
    {
        Span<byte> eight = stackalloc byte[8];
        value.AsSpan(0, Math.Min(8, value.Length)).CopyTo(eight);
        return BinaryPrimitives.ReadUInt64LittleEndian(eight);
    }

    private static byte[] Encode(ulong value, int size)
    {
        var bytes = new byte[size];
        Span<byte> eight = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(eight, value);
        eight[..Math.Min(8, size)].CopyTo(bytes);
        return bytes;
    }
}
