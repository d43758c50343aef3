using System.Text.Json;
using System.Text.Json.Serialization;
using Moneta.Webhooks;

namespace Moneta.Organizations;

[GenerateSerializer, Immutable, Alias("Moneta.OrganizationView")]
public sealed record OrganizationView(
    string Id,
    string Kind,
    string Name,
    string? Mic,
    string Status,
    JsonElement? Metadata,
    IReadOnlyList<string> Services,
    IReadOnlyList<string> Industries,
    IReadOnlyList<OrganizationKey> Keys,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    [property: JsonIgnore] WebhookInterest? WebhookInterest = null)
{
    public bool IsActive => Status == OrganizationStatuses.Active;

    /// <summary>The key named <paramref name="kid"/> if it may sign at <paramref name="at"/>.</summary>
    public OrganizationKey? KeyValidAt(string? kid, DateTimeOffset at) => Keys.FirstOrDefault(k => k.Kid == kid && k.IsValidAt(at));
}
