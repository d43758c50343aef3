namespace Moneta.Grains.Webhooks;

/// <summary>A connection refused by the outbound address policy.</summary>
public sealed class OutboundAddressRefusedException(string message) : Exception(message);
