using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Moneta.Crypto;

namespace Moneta.Client;

/// <summary>
/// The dispute pipeline (docs/protocol.md section 12): an MO disputes a finalized charge for its member. The client
/// signs the dispute-contract terms as the MO; the publisher answers with <see cref="ContractsClient.SignAsync"/>
/// (accepts) or <see cref="ContractsClient.RejectAsync"/> (declines).
/// </summary>
public sealed class DisputesClient(MonetaClient client)
{
    public const string TemplateId = "dispute-contract";

    /// <summary>Files the dispute (POST /api/v1/events/disputes); Moneta countersigns it at once or refuses it with a problem.</summary>
    public Task<Contract> FileAsync(NewDispute dispute, string? idempotencyKey = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dispute);
        var contractId = dispute.ContractId ?? Guid.NewGuid().ToString();
        var moId = dispute.MoId ?? client.RequireOrganizationId();
        var payload = dispute.Payload();
        var input = ContractSigning.SigningInput(contractId, TemplateId, dispute.TemplateVersion, moId, dispute.PublisherId, dispute.MpassId, payload, "mo", previous: null);
        var body = new JsonObject
        {
            ["contract_id"] = contractId,
            ["mo_id"] = moId,
            ["publisher_id"] = dispute.PublisherId,
            ["mpass_id"] = dispute.MpassId,
            ["template_version"] = dispute.TemplateVersion,
            ["signature"] = ContractSigning.Sign(client.RequireSigningKey(), input),
        };
        foreach (var (name, value) in payload) body[name] = value?.DeepClone();
        return client.Contracts.SignedStepAsync("/api/v1/events/disputes", body, input, idempotencyKey, cancellationToken);
    }
}

/// <summary>
/// Settlement batches (docs/protocol.md section 13, docs/settlement.md): close the open batch early, list and read
/// batches, read their lines, and recompute lines_digest before signing the settlement contract with
/// <see cref="ContractsClient.SignAsync"/>.
/// </summary>
public sealed class SettlementsClient(MonetaClient client)
{
    /// <summary>Closes the pair's open batch now (POST /api/v1/events/settlements); the batch as it is then.</summary>
    public Task<SettlementBatch> CloseAsync(string moId, string publisherId, string currency, string? idempotencyKey = null, CancellationToken cancellationToken = default) =>
        client.SendAsync<SettlementBatch>(HttpMethod.Post, "/api/v1/events/settlements", new { MoId = moId, PublisherId = publisherId, Currency = currency }, idempotencyKey, cancellationToken: cancellationToken);

    public Task<SettlementBatch> GetAsync(string batchId, CancellationToken cancellationToken = default) =>
        client.SendAsync<SettlementBatch>(HttpMethod.Get, $"/api/v1/settlements/{Uri.EscapeDataString(batchId)}", null, cancellationToken: cancellationToken);

    /// <summary>A party's batches (by its mo_id or its publisher_id, exactly one), optionally in one status, oldest period first.</summary>
    public IAsyncEnumerable<SettlementBatch> ListAsync(SettlementQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var party = query.MoId is not null ? $"mo_id={Uri.EscapeDataString(query.MoId)}" : $"publisher_id={Uri.EscapeDataString(query.PublisherId ?? client.RequireOrganizationId())}";
        var status = query.Status is null ? "" : $"&status={Uri.EscapeDataString(query.Status)}";
        var limit = query.PageSize is null ? "" : $"&limit={query.PageSize.Value.ToString(CultureInfo.InvariantCulture)}";
        return client.PagesAsync<SettlementBatch>($"/api/v1/settlements?{party}{status}{limit}", cancellationToken);
    }

    /// <summary>Every line of the batch, in digest order, page after page.</summary>
    public IAsyncEnumerable<SettlementLine> LinesAsync(string batchId, int? pageSize = null, CancellationToken cancellationToken = default) =>
        client.PagesAsync<SettlementLine>(
            $"/api/v1/settlements/{Uri.EscapeDataString(batchId)}/lines" + (pageSize is null ? "" : $"?limit={pageSize.Value.ToString(CultureInfo.InvariantCulture)}"), cancellationToken);

    /// <summary>Reads every line of the batch and recomputes its lines_digest, to compare with the batch's before signing.</summary>
    public async Task<string> RecomputeLinesDigestAsync(string batchId, CancellationToken cancellationToken = default)
    {
        var lines = new List<SettlementLine>();
        await foreach (var line in LinesAsync(batchId, pageSize: 200, cancellationToken)) lines.Add(line);
        return LinesDigest(lines);
    }

    /// <summary>
    /// lines_digest: the lowercase hex SHA-256 of the RFC 8785 canonical JSON of the lines as an array of
    /// <c>{source_contract_id, kind, amount}</c>, in the order given (the lines endpoint's, by source_contract_id).
    /// </summary>
    public static string LinesDigest(IEnumerable<SettlementLine> linesInDigestOrder)
    {
        ArgumentNullException.ThrowIfNull(linesInDigestOrder);
        var array = new JsonArray([.. linesInDigestOrder.Select(line => (JsonNode)new JsonObject
        {
            ["source_contract_id"] = line.SourceContractId,
            ["kind"] = line.Kind,
            ["amount"] = line.Amount,
        })]);
        return Convert.ToHexStringLower(SHA256.HashData(JsonCanonicalizer.Canonicalize(array)));
    }
}

/// <summary>Filters of a settlement list: one party (MoId or PublisherId; default: the calling organization as publisher) and a status.</summary>
public sealed record SettlementQuery(string? MoId = null, string? PublisherId = null, string? Status = null, int? PageSize = null);
