namespace Moneta.Webhooks;

/// <summary>organization.status_changed, to the organization itself.</summary>
public sealed record OrganizationStatusChangedData(string OrganizationId, string Kind, string From, string To, string? Reason);
