namespace SynAck.Analysis.Conversations;

/// <summary>
/// Zeek's orientation of a connection whose first packet is not a plain SYN: its <c>likely_server_ports</c> (the
/// TCP ports Zeek's base protocol scripts register their analyzers on) and the rule that picks the originator.
/// </summary>
internal static class ZeekServerPorts
{
    // The server ports registered by Zeek's base scripts (scripts/base/protocols/*/main.zeek): FTP, SSH, SMTP,
    // DNS, finger, HTTP, Kerberos, DCE-RPC, SMB, IMAP, LDAP, SSL/TLS, Modbus, syslog, SOCKS, MySQL, MQTT, RDP,
    // XMPP, PostgreSQL, Redis, IRC, DNP3.
    private static readonly HashSet<ushort> Likely =
    [
        21, 22, 25, 53, 79, 80, 81, 88, 135, 139, 143, 389, 443, 445, 465, 502, 514, 563, 585, 587, 614, 631, 636,
        989, 990, 992, 993, 995, 1080, 1434, 1883, 2811, 3128, 3268, 3306, 3389, 5222, 5223, 5269, 5432, 6379,
        6666, 6667, 6668, 6669, 8000, 8080, 8888, 20000,
    ];

    public static bool IsLikelyServerPort(ushort port) => Likely.Contains(port);

    /// <summary>
    /// Whether Zeek makes the receiver of a connection's first packet its originator. Only a first packet that
    /// is not a plain SYN is turned around, and only when it comes from a likely server port; when both ports
    /// are likely, a SYN-ACK is left alone (a stealth scan's SYN-ACK sender is the originator) and otherwise the
    /// lower port is taken for the server.
    /// </summary>
    public static bool FlipsFirstPacket(ushort sourcePort, ushort destinationPort, bool syn, bool ack)
    {
        if (syn && !ack)
            return false;
        if (!IsLikelyServerPort(sourcePort))
            return false;
        if (IsLikelyServerPort(destinationPort))
            return !syn && sourcePort < destinationPort;
        return true;
    }
}
