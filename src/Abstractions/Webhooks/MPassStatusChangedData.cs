namespace Moneta.Webhooks;

/// <summary>mpass.status_changed, to the issuing MO.</summary>
public sealed record MPassStatusChangedData(string MpassId, string MoId, string From, string To, string? Reason);
