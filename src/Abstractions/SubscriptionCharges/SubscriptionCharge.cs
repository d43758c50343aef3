using System.Text.Json;
using System.Text.Json.Nodes;
using Moneta.Contracts;

namespace Moneta.SubscriptionCharges;

/// <summary>
/// The subscription-charge pipeline (api/v1/events/subscription_charges): an MO charges one of its members'
/// mPasses on behalf of a publisher. It is a transaction-contract whose payload is the charge.
/// </summary>
[GenerateSerializer, Immutable, Alias("Moneta.SubscriptionCharge")]
public sealed record SubscriptionCharge(
    string ContractId,
    string MoId,
    string PublisherId,
    string MpassId,
    string Amount,
    string Currency,
    string? Description,
    string Signature)
{
    public const string TemplateName = "transaction-contract";

    public ContractInitiation ToContractInitiation(int templateVersion)
    {
        var payload = new JsonObject { ["amount"] = Amount, ["currency"] = Currency };
        if (Description is not null) payload["description"] = Description;
        return new ContractInitiation(ContractId, TemplateName, templateVersion, MoId, PublisherId, MpassId, JsonSerializer.SerializeToElement(payload), Signature);
    }
}
