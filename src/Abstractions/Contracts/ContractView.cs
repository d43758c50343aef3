using System.Text.Json;
using System.Text.Json.Serialization;
using Moneta.Disputes;

namespace Moneta.Contracts;

/// <summary>
/// A contract as its parties read it. <see cref="Dispute"/> is set on a dispute (what it disputes and how it was
/// resolved); <see cref="Disputes"/> on a charge read by itself (GET /api/v1/contracts/{id}): its disputes. Both are
/// left out of the JSON where they do not apply.
/// </summary>
[GenerateSerializer, Immutable, Alias("Moneta.ContractView")]
public sealed record ContractView(
    string ContractId,
    string TemplateId,
    int TemplateVersion,
    string MoId,
    string PublisherId,
    string? MpassId,
    JsonElement Payload,
    IReadOnlyDictionary<string, ContractSignatureView> SignaturesMap,
    IReadOnlyList<string> SigningOrder,
    string Status,
    DateTimeOffset CreatedAt,
    DateTimeOffset ExpiresAt,
    DateTimeOffset? FinalizedAt,
    ContractRejectionView? Rejection,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] DisputeDetails? Dispute = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<ChargeDispute>? Disputes = null)
{
    public bool IsParty(string organizationId) => organizationId == MoId || organizationId == PublisherId;
}
