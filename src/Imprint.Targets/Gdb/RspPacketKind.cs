namespace Imprint.Targets.Gdb;

/// <summary>What a <see cref="RspConnection"/> read from its peer.</summary>
public enum RspPacketKind
{
    /// <summary>A <c>$data#cs</c> packet with a valid checksum.</summary>
    Packet,

    /// <summary>A <c>%name:data#cs</c> asynchronous notification.</summary>
    Notification,

    /// <summary>The interrupt byte 0x03 (Ctrl-C), sent by a client to halt a running target.</summary>
    Interrupt,
}
