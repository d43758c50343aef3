using System.Text.Json.Nodes;

namespace Moneta.Api.OpenApi;

/// <summary>One line per operation for the OpenAPI document (the linter wants a summary on each), and request examples.</summary>
internal static class OperationDocs
{
    public static IReadOnlyDictionary<string, string> Summaries { get; } = new Dictionary<string, string>
    {
        ["GET /health"] = "Liveness probe",
        ["GET /.well-known/openid-configuration"] = "Discovery: issuer, token endpoint, JWK Set URL",
        ["GET /.well-known/jwks.json"] = "Moneta's public signing keys",
        ["POST /api/v1/auth/token"] = "Get an access token (client credentials, private_key_jwt)",
        ["GET /api/v1/admin/metrics/grains"] = "Grain runtime metrics",
        ["GET /api/v1/admin/clock"] = "Read the sandbox clock",
        ["POST /api/v1/admin/clock/advance"] = "Advance the sandbox clock",
        ["POST /api/v1/organizations/{kind}"] = "Register an organization",
        ["GET /api/v1/organizations/{kind}"] = "List organizations",
        ["GET /api/v1/organizations/{kind}/{id}"] = "Read an organization",
        ["PUT /api/v1/organizations/{kind}/{id}"] = "Replace an organization's profile",
        ["PUT /api/v1/organizations/{kind}/{id}/status"] = "Change an organization's status",
        ["GET /api/v1/organizations/{kind}/{id}/audit"] = "Read an organization's audit log",
        ["POST /api/v1/organizations/{kind}/{id}/keys"] = "Add a public key",
        ["POST /api/v1/organizations/{kind}/{id}/keys/{kid}/retire"] = "Retire a key",
        ["POST /api/v1/organizations/{kind}/{id}/keys/{kid}/revoke"] = "Revoke a key",
        ["POST /api/v1/mpass/"] = "Issue an mPass",
        ["GET /api/v1/mpass/"] = "List an MO's mPasses",
        ["GET /api/v1/mpass/{id}"] = "Read an mPass",
        ["GET /api/v1/mpass/{id}/audit"] = "Read an mPass's audit log",
        ["PUT /api/v1/mpass/{id}/status"] = "Change an mPass's status",
        ["PUT /api/v1/mpass/{id}/tier"] = "Change an mPass's tier",
        ["GET /api/v1/templates/{name}"] = "List a template's versions",
        ["GET /api/v1/templates/{name}/versions/{version:int}"] = "Read a template version",
        ["POST /api/v1/templates/{name}/versions"] = "Publish a template version",
        ["POST /api/v1/contracts/"] = "Initiate a contract",
        ["GET /api/v1/contracts/"] = "List contracts",
        ["GET /api/v1/contracts/{id}"] = "Read a contract",
        ["GET /api/v1/contracts/{id}/audit"] = "Read a contract's audit trail",
        ["GET /api/v1/contracts/{id}/verification"] = "Verify every signature of a contract",
        ["POST /api/v1/contracts/{id}/signatures"] = "Sign a contract",
        ["POST /api/v1/contracts/{id}/rejection"] = "Reject a contract",
        ["POST /api/v1/contracts/{id}/void"] = "Void a contract",
        ["POST /api/v1/events/subscription_charges"] = "Initiate a transaction-contract for a subscription charge",
        ["POST /api/v1/events/disputes"] = "Initiate a dispute-contract disputing a charge",
        ["POST /api/v1/events/settlements"] = "Close the open settlement batch early",
        ["GET /api/v1/settlements/"] = "List settlement batches",
        ["GET /api/v1/settlements/{batch_id}"] = "Read a settlement batch",
        ["GET /api/v1/settlements/{batch_id}/lines"] = "List a settlement batch's lines in digest order",
        ["POST /api/v1/organizations/{kind}/{id}/webhooks/"] = "Register a webhook endpoint",
        ["GET /api/v1/organizations/{kind}/{id}/webhooks/"] = "List webhook endpoints",
        ["GET /api/v1/organizations/{kind}/{id}/webhooks/{endpoint_id}"] = "Read a webhook endpoint",
        ["PUT /api/v1/organizations/{kind}/{id}/webhooks/{endpoint_id}"] = "Change a webhook endpoint",
        ["DELETE /api/v1/organizations/{kind}/{id}/webhooks/{endpoint_id}"] = "Delete a webhook endpoint",
        ["POST /api/v1/organizations/{kind}/{id}/webhooks/{endpoint_id}/secret/rotate"] = "Rotate a webhook endpoint's secret",
        ["POST /api/v1/organizations/{kind}/{id}/webhooks/{endpoint_id}/redrive"] = "Redrive every dead delivery of an endpoint",
        ["POST /api/v1/organizations/{kind}/{id}/webhooks/{endpoint_id}/test"] = "Send a test event to an endpoint",
        ["GET /api/v1/webhooks/deliveries/"] = "List an endpoint's deliveries",
        ["GET /api/v1/webhooks/deliveries/{delivery_id}"] = "Read a delivery",
        ["POST /api/v1/webhooks/deliveries/{delivery_id}/redrive"] = "Redrive a dead delivery",
        ["POST /api/v1/webhooks/deliveries/{delivery_id}/retry"] = "Retry a pending delivery now",
    };

    private const string ExampleSignature = "eyJhbGciOiJFUzI1NiIsImtpZCI6Im1vLWtleS0xIn0..1iYwPfXgHVfrIk5oDIYZYrbCMzej9fFpBPERP4YWHImFD0iB7_ZLmQuWh1hiH3r3AkOCFUISYAoJ8Ienb-rSug";

    /// <summary>Request bodies as docs/protocol.md shows them (protocol-vectors.md's values).</summary>
    public static IReadOnlyDictionary<string, Func<JsonNode>> RequestExamples { get; } = new Dictionary<string, Func<JsonNode>>
    {
        ["POST /api/v1/organizations/{kind}"] = () => new JsonObject
        {
            ["name"] = "Example MO",
            ["mic"] = "EXMO01",
            ["keys"] = new JsonArray(new JsonObject
            {
                ["kty"] = "EC",
                ["crv"] = "P-256",
                ["x"] = "EbHh1TU-Q-59L9Ipw2UXZSa5zM4EcJ9bvu5pnpl1cCg",
                ["y"] = "bjy-mH_BvozQwb7qP7gN9WUJYSUZ3pZ-18s9by9OF74",
                ["kid"] = "mo-key-1",
                ["alg"] = "ES256",
                ["use"] = "sig",
            }),
        },
        ["PUT /api/v1/organizations/{kind}/{id}/status"] = () => new JsonObject { ["status"] = "active" },
        ["POST /api/v1/mpass/"] = () => new JsonObject { ["mo_id"] = "6f1c2a3e-8d4b-4c1a-9e2f-1a2b3c4d5e6f", ["tier"] = "gold" },
        ["POST /api/v1/contracts/"] = () => new JsonObject
        {
            ["contract_id"] = "ctr_2026_0001",
            ["template_id"] = "transaction-contract",
            ["template_version"] = 1,
            ["mo_id"] = "6f1c2a3e-8d4b-4c1a-9e2f-1a2b3c4d5e6f",
            ["publisher_id"] = "0b9e8d7c-6a5b-4c3d-8e2f-0a1b2c3d4e5f",
            ["mpass_id"] = "3c2b1a09-8f7e-4d6c-9b5a-4a3b2c1d0e9f",
            ["payload"] = new JsonObject { ["amount"] = "12.50", ["currency"] = "EUR", ["description"] = "Premium article bundle" },
            ["signature"] = ExampleSignature,
        },
        ["POST /api/v1/contracts/{id}/signatures"] = () => new JsonObject { ["role"] = "publisher", ["signature"] = "eyJhbGciOiJFUzI1NiIsImtpZCI6InB1Yi1rZXktMSJ9..<signature>" },
        ["POST /api/v1/contracts/{id}/rejection"] = () => new JsonObject { ["role"] = "publisher", ["reason"] = "Price not agreed", ["signature"] = "eyJhbGciOiJFUzI1NiIsImtpZCI6InB1Yi1rZXktMSJ9..<signature>" },
        ["POST /api/v1/events/disputes"] = () => new JsonObject
        {
            ["contract_id"] = "dsp_2026_0001",
            ["mo_id"] = "6f1c2a3e-8d4b-4c1a-9e2f-1a2b3c4d5e6f",
            ["publisher_id"] = "0b9e8d7c-6a5b-4c3d-8e2f-0a1b2c3d4e5f",
            ["mpass_id"] = "3c2b1a09-8f7e-4d6c-9b5a-4a3b2c1d0e9f",
            ["disputed_contract_id"] = "ctr_2026_0001",
            ["amount"] = "12.50",
            ["currency"] = "EUR",
            ["reason_code"] = "not_received",
            ["evidence"] = new JsonArray(new JsonObject
            {
                ["type"] = "member_statement",
                ["sha256"] = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
                ["description"] = "The member's signed statement",
            }),
            ["signature"] = ExampleSignature,
        },
        ["POST /api/v1/events/settlements"] = () => new JsonObject
        {
            ["mo_id"] = "6f1c2a3e-8d4b-4c1a-9e2f-1a2b3c4d5e6f",
            ["publisher_id"] = "0b9e8d7c-6a5b-4c3d-8e2f-0a1b2c3d4e5f",
            ["currency"] = "EUR",
        },
        ["POST /api/v1/organizations/{kind}/{id}/webhooks/"] = () => new JsonObject { ["url"] = "https://partner.example/moneta/webhooks", ["event_types"] = new JsonArray("contract.awaiting_signature", "contract.finalized") },
        ["POST /api/v1/admin/clock/advance"] = () => new JsonObject { ["advance_by"] = "P8D" },
    };
}
