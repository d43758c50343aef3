using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Moneta.Tests.Support;

/// <summary>An MO, a publisher and an mPass, ready to sign contracts against one silo.</summary>
public sealed class ContractScenario
{
    public ContractScenario(TestPartner mo, TestPartner publisher, string mpassId)
    {
        Mo = mo;
        Publisher = publisher;
        MpassId = mpassId;
    }

    public TestPartner Mo { get; }

    public TestPartner Publisher { get; }

    public string MpassId { get; }

    public static async Task<ContractScenario> CreateAsync(ISiloEndpoint silo)
    {
        var mo = await TestPartner.RegisterAsync(silo, "mo");
        var publisher = await TestPartner.RegisterAsync(silo, "publisher");
        var mpass = await Json.ReadAsync(await mo.Http.PostAsJsonAsync("/api/v1/mpass", new { mo_id = mo.Id, tier = "gold" }), HttpStatusCode.Created);
        return new ContractScenario(mo, publisher, mpass["id"]!.GetValue<string>());
    }

    /// <summary>The initiation request body, signed by the MO (unsigned terms are returned alongside for further signing).</summary>
    public JsonObject Initiation(string? contractId = null, string amount = "12.50", string currency = "EUR", int templateVersion = 1, string templateId = "transaction-contract")
    {
        var terms = new JsonObject
        {
            ["contract_id"] = contractId ?? "ctr-" + Guid.NewGuid().ToString("N"),
            ["template_id"] = templateId,
            ["template_version"] = templateVersion,
            ["mo_id"] = Mo.Id,
            ["publisher_id"] = Publisher.Id,
            ["mpass_id"] = MpassId,
            ["payload"] = new JsonObject { ["amount"] = amount, ["currency"] = currency, ["description"] = "Premium article bundle" },
        };
        terms["signature"] = Mo.Sign(terms, "mo", previous: null);
        return terms;
    }

    public async Task<JsonNode> InitiateAsync(JsonObject? initiation = null) =>
        await Json.ReadAsync(await Mo.Http.PostAsJsonAsync("/api/v1/contracts", initiation ?? Initiation()), HttpStatusCode.Created);

    public Task<HttpResponseMessage> PublisherSignsAsync(JsonNode contract, string? signature = null) =>
        Publisher.Http.PostAsJsonAsync($"/api/v1/contracts/{contract["contract_id"]}/signatures", new
        {
            role = "publisher",
            signature = signature ?? Publisher.Sign(contract, "publisher", MonetaSignature(contract)),
        });

    public static string MonetaSignature(JsonNode contract) => contract["signatures_map"]!["moneta"]!["signature"]!.GetValue<string>();
}
