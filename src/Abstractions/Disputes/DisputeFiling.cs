using System.Text.Json;
using System.Text.Json.Nodes;
using Moneta.Contracts;

namespace Moneta.Disputes;

/// <summary>
/// The dispute pipeline (api/v1/events/disputes): an MO disputes a finalized charge on behalf of its member. It is a
/// dispute-contract whose payload holds exactly the members sent (an absent <see cref="Evidence"/> or
/// <see cref="Description"/> is left out, as the MO signed it).
/// </summary>
public sealed record DisputeFiling(
    string ContractId,
    string MoId,
    string PublisherId,
    string MpassId,
    string DisputedContractId,
    string Amount,
    string Currency,
    string ReasonCode,
    IReadOnlyList<DisputeEvidence>? Evidence,
    string? Description,
    string Signature)
{
    public const string TemplateName = "dispute-contract";

    public ContractInitiation ToContractInitiation(int templateVersion)
    {
        var payload = new JsonObject
        {
            ["disputed_contract_id"] = DisputedContractId,
            ["amount"] = Amount,
            ["currency"] = Currency,
            ["reason_code"] = ReasonCode,
        };
        if (Evidence is not null)
        {
            payload["evidence"] = new JsonArray([.. Evidence.Select(e =>
            {
                var item = new JsonObject { ["type"] = e.Type, ["sha256"] = e.Sha256 };
                if (e.Description is not null) item["description"] = e.Description;
                return (JsonNode)item;
            })]);
        }

        if (Description is not null) payload["description"] = Description;
        return new ContractInitiation(ContractId, TemplateName, templateVersion, MoId, PublisherId, MpassId, JsonSerializer.SerializeToElement(payload), Signature);
    }
}

/// <summary>A document supporting a dispute: its kind, the SHA-256 of the document (Moneta keeps hashes, never documents), a note.</summary>
public sealed record DisputeEvidence(string Type, string Sha256, string? Description);
