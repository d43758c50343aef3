using System.Text.Json;

namespace Moneta.Contracts;

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
    ContractRejectionView? Rejection)
{
    public bool IsParty(string organizationId) => organizationId == MoId || organizationId == PublisherId;
}
