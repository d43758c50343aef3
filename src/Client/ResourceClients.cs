using System.Globalization;
using System.Text.Json.Nodes;

namespace Moneta.Client;

/// <summary>Organizations: registration and lifecycle (administrator), profile and keys (the organization itself).</summary>
public sealed class OrganizationsClient(MonetaClient client)
{
    public Task<Organization> RegisterAsync(string kind, NewOrganization organization, string? idempotencyKey = null, CancellationToken cancellationToken = default) =>
        client.SendAsync<Organization>(HttpMethod.Post, $"/api/v1/organizations/{Escape(kind)}", organization, idempotencyKey, cancellationToken: cancellationToken);

    public Task<Organization> GetAsync(string kind, string id, CancellationToken cancellationToken = default) =>
        client.SendAsync<Organization>(HttpMethod.Get, $"/api/v1/organizations/{Escape(kind)}/{Escape(id)}", null, cancellationToken: cancellationToken);

    /// <summary>pending → active, active ↔ suspended, any → destroyed (administrator).</summary>
    public Task<Organization> ChangeStatusAsync(string kind, string id, string status, string? reason = null, CancellationToken cancellationToken = default) =>
        client.SendAsync<Organization>(HttpMethod.Put, $"/api/v1/organizations/{Escape(kind)}/{Escape(id)}/status", new { Status = status, Reason = reason }, cancellationToken: cancellationToken);

    public IAsyncEnumerable<Organization> ListAsync(string kind, string? status = null, CancellationToken cancellationToken = default) =>
        client.PagesAsync<Organization>($"/api/v1/organizations/{Escape(kind)}" + (status is null ? "" : $"?status={Escape(status)}"), cancellationToken);

    public Task<Organization> AddKeyAsync(string kind, string id, JsonObject publicJwk, string? idempotencyKey = null, CancellationToken cancellationToken = default) =>
        client.SendAsync<Organization>(HttpMethod.Post, $"/api/v1/organizations/{Escape(kind)}/{Escape(id)}/keys", publicJwk, idempotencyKey, cancellationToken: cancellationToken);

    public Task<Organization> RetireKeyAsync(string kind, string id, string kid, CancellationToken cancellationToken = default) =>
        client.SendAsync<Organization>(HttpMethod.Post, $"/api/v1/organizations/{Escape(kind)}/{Escape(id)}/keys/{Escape(kid)}/retire", null, cancellationToken: cancellationToken);

    internal static string Escape(string value) => Uri.EscapeDataString(value);
}

/// <summary>mPasses an MO issues to its members.</summary>
public sealed class MPassesClient(MonetaClient client)
{
    /// <summary>Issues an mPass for the calling MO (or <paramref name="moId"/>, for an administrator).</summary>
    public Task<MPass> IssueAsync(string tier, string? moId = null, DateTimeOffset? validUntil = null, string? idempotencyKey = null, CancellationToken cancellationToken = default) =>
        client.SendAsync<MPass>(HttpMethod.Post, "/api/v1/mpass", new { MoId = moId ?? client.RequireOrganizationId(), Tier = tier, ValidUntil = validUntil }, idempotencyKey, cancellationToken: cancellationToken);

    public Task<MPass> GetAsync(string id, CancellationToken cancellationToken = default) =>
        client.SendAsync<MPass>(HttpMethod.Get, $"/api/v1/mpass/{OrganizationsClient.Escape(id)}", null, cancellationToken: cancellationToken);

    public IAsyncEnumerable<MPass> ListAsync(string? moId = null, CancellationToken cancellationToken = default) =>
        client.PagesAsync<MPass>($"/api/v1/mpass?mo_id={OrganizationsClient.Escape(moId ?? client.RequireOrganizationId())}", cancellationToken);

    public Task<MPass> ChangeStatusAsync(string id, string status, string? reason = null, CancellationToken cancellationToken = default) =>
        client.SendAsync<MPass>(HttpMethod.Put, $"/api/v1/mpass/{OrganizationsClient.Escape(id)}/status", new { Status = status, Reason = reason }, cancellationToken: cancellationToken);
}

/// <summary>
/// The contract flow. Each step is signed here with the organization's key over the canonical signing input, so a
/// partner never writes RFC 8785 or JWS code; an invalid_signature refusal carries both hashes to compare.
/// </summary>
public sealed class ContractsClient(MonetaClient client)
{
    public async Task<Contract> InitiateAsync(NewContract terms, string? idempotencyKey = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(terms);
        var contractId = terms.ContractId ?? Guid.NewGuid().ToString();
        var moId = terms.MoId ?? client.RequireOrganizationId();
        var input = ContractSigning.SigningInput(contractId, terms.TemplateId, terms.TemplateVersion, moId, terms.PublisherId, terms.MpassId, terms.Payload, terms.InitiatorRole, previous: null);
        var body = new JsonObject
        {
            ["contract_id"] = contractId,
            ["template_id"] = terms.TemplateId,
            ["template_version"] = terms.TemplateVersion,
            ["mo_id"] = moId,
            ["publisher_id"] = terms.PublisherId,
            ["mpass_id"] = terms.MpassId,
            ["payload"] = terms.Payload.DeepClone(),
            ["signature"] = ContractSigning.Sign(client.RequireSigningKey(), input),
        };
        return await SignedStepAsync("/api/v1/contracts", body, input, idempotencyKey, cancellationToken);
    }

    /// <summary>Signs the contract as the role whose turn it is (which must be the calling organization's).</summary>
    public async Task<Contract> SignAsync(string contractId, string? idempotencyKey = null, CancellationToken cancellationToken = default)
    {
        var contract = await GetAsync(contractId, cancellationToken);
        var role = contract.NextRole ?? throw new InvalidOperationException($"Contract '{contractId}' is {contract.Status}: every role has signed.");
        var input = ContractSigning.SigningInput(contract, role, contract.LastSignature);
        var body = new JsonObject { ["role"] = role, ["signature"] = ContractSigning.Sign(client.RequireSigningKey(), input) };
        return await SignedStepAsync($"/api/v1/contracts/{Escape(contractId)}/signatures", body, input, idempotencyKey, cancellationToken);
    }

    /// <summary>Declines the contract, at the calling organization's turn, with a signed reason.</summary>
    public async Task<Contract> RejectAsync(string contractId, string reason, string? idempotencyKey = null, CancellationToken cancellationToken = default)
    {
        var contract = await GetAsync(contractId, cancellationToken);
        var role = contract.NextRole ?? throw new InvalidOperationException($"Contract '{contractId}' is {contract.Status}: there is no turn to decline.");
        var input = ContractSigning.SigningInput(contract, role, contract.LastSignature, reason);
        var body = new JsonObject { ["role"] = role, ["reason"] = reason, ["signature"] = ContractSigning.Sign(client.RequireSigningKey(), input) };
        return await SignedStepAsync($"/api/v1/contracts/{Escape(contractId)}/rejection", body, input, idempotencyKey, cancellationToken);
    }

    public Task<Contract> VoidAsync(string contractId, string? idempotencyKey = null, CancellationToken cancellationToken = default) =>
        client.SendAsync<Contract>(HttpMethod.Post, $"/api/v1/contracts/{Escape(contractId)}/void", null, idempotencyKey, cancellationToken: cancellationToken);

    public Task<Contract> GetAsync(string contractId, CancellationToken cancellationToken = default) =>
        client.SendAsync<Contract>(HttpMethod.Get, $"/api/v1/contracts/{Escape(contractId)}", null, cancellationToken: cancellationToken);

    public Task<AuditTrail> GetAuditAsync(string contractId, CancellationToken cancellationToken = default) =>
        client.SendAsync<AuditTrail>(HttpMethod.Get, $"/api/v1/contracts/{Escape(contractId)}/audit", null, cancellationToken: cancellationToken);

    /// <summary>Moneta checks every signature again with each signer's key as it was when it signed, and the audit chain.</summary>
    public Task<ContractVerification> VerifyAsync(string contractId, CancellationToken cancellationToken = default) =>
        client.SendAsync<ContractVerification>(HttpMethod.Get, $"/api/v1/contracts/{Escape(contractId)}/verification", null, cancellationToken: cancellationToken);

    /// <summary>Every contract the query matches, oldest first, page after page.</summary>
    public IAsyncEnumerable<Contract> ListAsync(ContractQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var parameters = new List<string>();
        void Add(string name, string? value)
        {
            if (value is not null) parameters.Add($"{name}={Uri.EscapeDataString(value)}");
        }

        Add("mo_id", query.MoId);
        Add("publisher_id", query.PublisherId);
        Add("mpass_id", query.MpassId);
        Add("status", query.Status);
        Add("created_after", query.CreatedAfter?.ToString("O", CultureInfo.InvariantCulture));
        Add("created_before", query.CreatedBefore?.ToString("O", CultureInfo.InvariantCulture));
        Add("limit", query.PageSize?.ToString(CultureInfo.InvariantCulture));
        return client.PagesAsync<Contract>("/api/v1/contracts?" + string.Join('&', parameters), cancellationToken);
    }

    internal async Task<Contract> SignedStepAsync(string path, JsonObject body, byte[] signingInput, string? idempotencyKey, CancellationToken cancellationToken)
    {
        try
        {
            return await client.SendAsync<Contract>(HttpMethod.Post, path, body, idempotencyKey, cancellationToken: cancellationToken);
        }
        catch (MonetaProblemException refused) when (refused.Code == "invalid_signature")
        {
            var local = ContractSigning.Sha256(signingInput);
            throw new MonetaProblemException(refused.Status, refused.Code,
                $"{refused.Detail} Moneta verified over SHA-256 {refused.SigningInputSha256}; this client signed over {local}.", refused.Problem)
            {
                LocalSigningInputSha256 = local,
            };
        }
    }

    private static string Escape(string value) => Uri.EscapeDataString(value);
}

/// <summary>Webhook endpoints, test events and deliveries.</summary>
public sealed class WebhooksClient(MonetaClient client)
{
    /// <summary>Registers an endpoint for the organization; keep the returned secret, it is shown this once.</summary>
    public Task<WebhookEndpointWithSecret> CreateEndpointAsync(
        string kind, string organizationId, Uri url, IReadOnlyList<string>? eventTypes = null, string? description = null, string? idempotencyKey = null, CancellationToken cancellationToken = default) =>
        client.SendAsync<WebhookEndpointWithSecret>(HttpMethod.Post, Endpoints(kind, organizationId), new { Url = url.AbsoluteUri, EventTypes = eventTypes, Description = description }, idempotencyKey, cancellationToken: cancellationToken);

    public async Task<IReadOnlyList<WebhookEndpoint>> ListEndpointsAsync(string kind, string organizationId, CancellationToken cancellationToken = default) =>
        (await client.SendAsync<Page<WebhookEndpoint>>(HttpMethod.Get, Endpoints(kind, organizationId), null, cancellationToken: cancellationToken)).Items;

    public Task DeleteEndpointAsync(string kind, string organizationId, string endpointId, CancellationToken cancellationToken = default) =>
        client.SendAsync<MonetaClient.NoContent>(HttpMethod.Delete, $"{Endpoints(kind, organizationId)}/{Escape(endpointId)}", null, cancellationToken: cancellationToken);

    /// <summary>Sends a signed webhook.test event to the endpoint through the normal delivery path.</summary>
    public Task<WebhookTestSent> SendTestAsync(string kind, string organizationId, string endpointId, string? idempotencyKey = null, CancellationToken cancellationToken = default) =>
        client.SendAsync<WebhookTestSent>(HttpMethod.Post, $"{Endpoints(kind, organizationId)}/{Escape(endpointId)}/test", null, idempotencyKey, cancellationToken: cancellationToken);

    public IAsyncEnumerable<WebhookDelivery> ListDeliveriesAsync(string endpointId, string? status = null, CancellationToken cancellationToken = default) =>
        client.PagesAsync<WebhookDelivery>($"/api/v1/webhooks/deliveries?endpoint_id={Escape(endpointId)}" + (status is null ? "" : $"&status={Escape(status)}"), cancellationToken);

    public Task<WebhookDelivery> GetDeliveryAsync(string deliveryId, CancellationToken cancellationToken = default) =>
        client.SendAsync<WebhookDelivery>(HttpMethod.Get, $"/api/v1/webhooks/deliveries/{Escape(deliveryId)}", null, cancellationToken: cancellationToken);

    /// <summary>A pending delivery is attempted now instead of at its scheduled time.</summary>
    public Task<WebhookDelivery> RetryNowAsync(string deliveryId, CancellationToken cancellationToken = default) =>
        client.SendAsync<WebhookDelivery>(HttpMethod.Post, $"/api/v1/webhooks/deliveries/{Escape(deliveryId)}/retry", null, cancellationToken: cancellationToken);

    /// <summary>A dead delivery starts again.</summary>
    public Task<WebhookDelivery> RedriveAsync(string deliveryId, CancellationToken cancellationToken = default) =>
        client.SendAsync<WebhookDelivery>(HttpMethod.Post, $"/api/v1/webhooks/deliveries/{Escape(deliveryId)}/redrive", null, cancellationToken: cancellationToken);

    private static string Endpoints(string kind, string organizationId) => $"/api/v1/organizations/{Escape(kind)}/{Escape(organizationId)}/webhooks";

    private static string Escape(string value) => Uri.EscapeDataString(value);
}

/// <summary>The sandbox clock: Development and Sandbox environments only; an administrator advances Moneta's time.</summary>
public sealed class SandboxClient(MonetaClient client)
{
    public Task<SandboxClock> GetClockAsync(CancellationToken cancellationToken = default) =>
        client.SendAsync<SandboxClock>(HttpMethod.Get, "/api/v1/admin/clock", null, cancellationToken: cancellationToken);

    public Task<SandboxClock> AdvanceClockAsync(TimeSpan by, CancellationToken cancellationToken = default) =>
        client.SendAsync<SandboxClock>(HttpMethod.Post, "/api/v1/admin/clock/advance", new { AdvanceBy = System.Xml.XmlConvert.ToString(by) }, cancellationToken: cancellationToken);
}
