using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Moneta.Crypto;

namespace Moneta.Tests.Support;

/// <summary>
/// An MO and a publisher doing business the way the protocol says: charges, disputes, settlement terms and the
/// signing of settlement contracts, each step signed by the party itself over HTTP.
/// </summary>
public sealed class SettlementScenario
{
    public SettlementScenario(ISiloEndpoint silo, ContractScenario parties)
    {
        Silo = silo;
        Parties = parties;
    }

    public ISiloEndpoint Silo { get; }

    public ContractScenario Parties { get; }

    public TestPartner Mo => Parties.Mo;

    public TestPartner Publisher => Parties.Publisher;

    public static async Task<SettlementScenario> CreateAsync(ISiloEndpoint silo) => new(silo, await ContractScenario.CreateAsync(silo));

    /// <summary>The MO proposes settlement terms (signed over mpass_id: null); the answer as Moneta gave it.</summary>
    public Task<HttpResponseMessage> ProposeTermsAsync(string currency = "EUR", string period = "monthly", int feeBps = 250, int moShareBps = 2000, string minimumPayout = "10.00")
    {
        var terms = new JsonObject
        {
            ["contract_id"] = "terms-" + Guid.NewGuid().ToString("N"),
            ["template_id"] = "settlement-terms",
            ["template_version"] = 1,
            ["mo_id"] = Mo.Id,
            ["publisher_id"] = Publisher.Id,
            ["mpass_id"] = null,
            ["payload"] = new JsonObject
            {
                ["currency"] = currency,
                ["period"] = period,
                ["moneta_fee_bps"] = feeBps,
                ["mo_share_bps"] = moShareBps,
                ["minimum_payout"] = minimumPayout,
            },
        };
        terms["signature"] = Mo.Sign(terms, "mo", previous: null);
        return Mo.Http.PostAsJsonAsync("/api/v1/contracts", terms);
    }

    /// <summary>Terms proposed by the MO and signed by the publisher: finalized.</summary>
    public async Task<JsonNode> AgreeTermsAsync(string currency = "EUR", string period = "monthly", int feeBps = 250, int moShareBps = 2000, string minimumPayout = "10.00")
    {
        var proposed = await Json.ReadAsync(await ProposeTermsAsync(currency, period, feeBps, moShareBps, minimumPayout), HttpStatusCode.Created);
        return await Json.ReadAsync(await Parties.PublisherSignsAsync(proposed), HttpStatusCode.OK);
    }

    /// <summary>A charge the MO initiates and the publisher signs: finalized.</summary>
    public async Task<JsonNode> ChargeAsync(string amount = "12.50", string currency = "EUR")
    {
        var initiated = await Parties.InitiateAsync(Parties.Initiation(amount: amount, currency: currency));
        return await Json.ReadAsync(await Parties.PublisherSignsAsync(initiated), HttpStatusCode.OK);
    }

    /// <summary>The dispute pipeline's body, signed by the MO over the dispute-contract terms it stands for.</summary>
    public JsonObject DisputeBody(string chargeId, string amount, string currency = "EUR", string reason = "not_received", JsonArray? evidence = null, string? mpassId = null, string? contractId = null)
    {
        var payload = new JsonObject { ["disputed_contract_id"] = chargeId, ["amount"] = amount, ["currency"] = currency, ["reason_code"] = reason };
        if (evidence is not null) payload["evidence"] = evidence.DeepClone();
        var terms = new JsonObject
        {
            ["contract_id"] = contractId ?? "dsp-" + Guid.NewGuid().ToString("N"),
            ["template_id"] = "dispute-contract",
            ["template_version"] = 1,
            ["mo_id"] = Mo.Id,
            ["publisher_id"] = Publisher.Id,
            ["mpass_id"] = mpassId ?? Parties.MpassId,
            ["payload"] = payload,
        };
        var body = new JsonObject
        {
            ["contract_id"] = terms["contract_id"]!.DeepClone(),
            ["mo_id"] = Mo.Id,
            ["publisher_id"] = Publisher.Id,
            ["mpass_id"] = terms["mpass_id"]!.DeepClone(),
            ["disputed_contract_id"] = chargeId,
            ["amount"] = amount,
            ["currency"] = currency,
            ["reason_code"] = reason,
            ["signature"] = Mo.Sign(terms, "mo", previous: null),
        };
        if (evidence is not null) body["evidence"] = evidence.DeepClone();
        return body;
    }

    public Task<HttpResponseMessage> FileDisputeAsync(JsonObject body) => Mo.Http.PostAsJsonAsync("/api/v1/events/disputes", body);

    public async Task<JsonNode> DisputeAsync(string chargeId, string amount, string reason = "not_received") =>
        await Json.ReadAsync(await FileDisputeAsync(DisputeBody(chargeId, amount, reason: reason)), HttpStatusCode.Created);

    /// <summary>The publisher accepts a dispute by signing it.</summary>
    public async Task<JsonNode> AcceptAsync(JsonNode dispute) => await Json.ReadAsync(await Parties.PublisherSignsAsync(dispute), HttpStatusCode.OK);

    /// <summary>The publisher declines a dispute with a signed rejection.</summary>
    public async Task<JsonNode> DeclineAsync(JsonNode dispute, string reason = "Delivered on time") =>
        await Json.ReadAsync(await RejectAsync(Publisher, dispute, "publisher", reason), HttpStatusCode.OK);

    public static Task<HttpResponseMessage> RejectAsync(TestPartner party, JsonNode contract, string role, string reason)
    {
        var input = TestPartner.SigningInput(contract, role, LastSignature(contract));
        input["rejection"] = new JsonObject { ["reason"] = reason };
        var signature = DetachedJws.Sign(party.Key, JsonCanonicalizer.Canonicalize(input));
        return party.Http.PostAsJsonAsync($"/api/v1/contracts/{contract["contract_id"]}/rejection", new { role, reason, signature });
    }

    /// <summary>Either party closes the open batch of its pair early (202, the batch as it is then).</summary>
    public Task<HttpResponseMessage> CloseEarlyAsync(TestPartner by, string currency = "EUR") =>
        by.Http.PostAsJsonAsync("/api/v1/events/settlements", new { mo_id = Mo.Id, publisher_id = Publisher.Id, currency });

    /// <summary>The pair's batches, as the MO lists them.</summary>
    public async Task<JsonArray> BatchesAsync(string? status = null)
    {
        var query = $"/api/v1/settlements?mo_id={Mo.Id}" + (status is null ? "" : $"&status={status}");
        return (await Json.ReadAsync(await Mo.Http.GetAsync(query), HttpStatusCode.OK))["items"]!.AsArray();
    }

    public async Task<JsonNode> BatchAsync(string batchId, TestPartner? by = null) =>
        await Json.ReadAsync(await (by ?? Mo).Http.GetAsync($"/api/v1/settlements/{batchId}"), HttpStatusCode.OK);

    /// <summary>Waits until a batch of the pair satisfies <paramref name="condition"/>, and returns it.</summary>
    public async Task<JsonNode> WaitForBatchAsync(Func<JsonNode, bool> condition, string because, TimeSpan? timeout = null)
    {
        JsonNode? found = null;
        await Eventually.TrueAsync(async () => (found = (await BatchesAsync()).FirstOrDefault(b => condition(b!))) is not null, timeout ?? TimeSpan.FromSeconds(30), because);
        return found!;
    }

    public static bool Is(JsonNode batch, string status, int? lines = null) =>
        batch["status"]!.GetValue<string>() == status && (lines is null || batch["line_count"]!.GetValue<int>() == lines);

    /// <summary>Every line of a batch, page by page (in digest order), as the party reads them.</summary>
    public static async Task<JsonArray> LinesAsync(TestPartner by, string batchId, int limit = 200)
    {
        var lines = new JsonArray();
        string? cursor = null;
        do
        {
            var page = await Json.ReadAsync(await by.Http.GetAsync($"/api/v1/settlements/{batchId}/lines?limit={limit}" + (cursor is null ? "" : $"&cursor={cursor}")), HttpStatusCode.OK);
            foreach (var line in page["items"]!.AsArray()) lines.Add(line!.DeepClone());
            cursor = page["next_cursor"]?.GetValue<string>();
        }
        while (cursor is not null);
        return lines;
    }

    /// <summary>lines_digest as a party recomputes it: SHA-256 of the RFC 8785 form of the lines array (docs/settlement.md).</summary>
    public static string Digest(JsonArray lines) => Convert.ToHexStringLower(SHA256.HashData(JsonCanonicalizer.Canonicalize(lines)));

    /// <summary>The batch's settlement contract as the party reads it.</summary>
    public static async Task<JsonNode> StatementAsync(TestPartner by, JsonNode batch) =>
        await Json.ReadAsync(await by.Http.GetAsync($"/api/v1/contracts/{batch["settlement_contract_id"]}"), HttpStatusCode.OK);

    /// <summary>A party signs a contract at its turn, over the chain ending in the last signature.</summary>
    public static Task<HttpResponseMessage> SignAsync(TestPartner party, JsonNode contract, string role) =>
        party.Http.PostAsJsonAsync($"/api/v1/contracts/{contract["contract_id"]}/signatures", new { role, signature = party.Sign(contract, role, LastSignature(contract)) });

    /// <summary>The signature of the last role that signed, in signing order.</summary>
    public static string LastSignature(JsonNode contract)
    {
        var map = contract["signatures_map"]!.AsObject();
        var last = contract["signing_order"]!.AsArray().Select(r => r!.GetValue<string>()).Last(map.ContainsKey);
        return map[last]!["signature"]!.GetValue<string>();
    }
}
