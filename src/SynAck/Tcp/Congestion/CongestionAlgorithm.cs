namespace SynAck.Tcp.Congestion;

/// <summary>The congestion control algorithm a connection runs.</summary>
public enum CongestionAlgorithm
{
    /// <summary>CUBIC (RFC 9438) with HyStart++ (RFC 9406): Linux's default.</summary>
    Cubic,

    /// <summary>NewReno (RFC 5681, RFC 6582): additive increase, halving on loss.</summary>
    NewReno,
}
