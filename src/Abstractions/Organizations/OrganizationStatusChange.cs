namespace Moneta.Organizations;

[GenerateSerializer, Immutable, Alias("Moneta.OrganizationStatusChange")]
public sealed record OrganizationStatusChange(string Status, string Actor, string? Reason);
