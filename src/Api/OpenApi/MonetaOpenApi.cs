using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.OpenApi;
using Moneta.Contracts;
using Moneta.Disputes;
using Moneta.MPasses;
using Moneta.Organizations;
using Moneta.Settlements;
using Moneta.Webhooks;

namespace Moneta.Api.OpenApi;

/// <summary>
/// Makes the generated OpenAPI 3.1 document say what the API does: a title and description, the two ways to
/// authenticate (and which operations need neither), every operation's problem responses with their codes and an
/// example each, request examples, the Idempotency-Key header on writes, request members required and nullable as
/// they really are, enumerations for kinds, statuses, roles and event types, id patterns, and every webhook Moneta
/// sends with its payload (OpenAPI 3.1 <c>webhooks</c>). A third-party linter checks the result in CI.
/// </summary>
public static partial class MonetaOpenApi
{
    private const string IdPattern = "^[A-Za-z0-9._:-]{1,128}$";

    private static readonly string[] Kinds = [OrganizationKinds.Mo, OrganizationKinds.Publisher];
    private static readonly string[] PartyRoles = [Roles.Mo, Roles.Publisher];
    private static readonly string[] KeyStatusValues = [KeyStatuses.Active, KeyStatuses.Retired, KeyStatuses.Revoked];
    private static readonly string[] MPassStatusValues = [MPassStatuses.Active, MPassStatuses.Suspended, MPassStatuses.Revoked, MPassStatuses.Expired];
    private static readonly string[] EndpointStatusValues = [WebhookEndpointStatuses.Enabled, WebhookEndpointStatuses.Disabled];

    /// <summary>Members a request must carry; the others are optional. Every request member is non-null when sent.</summary>
    private static readonly Dictionary<string, string[]> RequiredRequestMembers = new()
    {
        ["InitiateContractRequest"] = ["contract_id", "template_id", "template_version", "mo_id", "publisher_id", "mpass_id", "payload", "signature"],
        ["SignContractRequest"] = ["role", "signature"],
        ["RejectContractRequest"] = ["role", "reason", "signature"],
        ["RegisterOrganizationRequest"] = ["name", "keys"],
        ["UpdateProfileRequest"] = ["name"],
        ["ChangeStatusRequest"] = ["status"],
        ["RevokeKeyRequest"] = ["reason"],
        ["IssueMPassRequest"] = ["mo_id", "tier"],
        ["ChangeMPassStatusRequest"] = ["status"],
        ["ChangeTierRequest"] = ["tier"],
        ["PublishTemplateRequest"] = ["yaml"],
        ["SubscriptionChargeRequest"] = ["contract_id", "mo_id", "publisher_id", "mpass_id", "amount", "currency", "signature"],
        ["DisputeRequest"] = ["contract_id", "mo_id", "publisher_id", "mpass_id", "disputed_contract_id", "amount", "currency", "reason_code", "signature"],
        ["EvidenceRequest"] = ["type", "sha256"],
        ["CloseBatchRequest"] = ["mo_id", "publisher_id", "currency"],
        ["CreateEndpointRequest"] = ["url"],
        ["ChangeEndpointRequest"] = [],
        ["RotateSecretRequest"] = [],
        ["AdvanceClockRequest"] = ["advance_by"],
    };

    /// <summary>(type, member) → the values it takes; an array member's items take them.</summary>
    private static readonly Dictionary<(string Type, string Member), IReadOnlyList<string>> Enumerations = new()
    {
        [("ContractView", "status")] = ContractStatuses.All,
        [("ContractView", "signing_order")] = Roles.All,
        [("ContractRejectionView", "role")] = PartyRoles,
        [("SignContractRequest", "role")] = PartyRoles,
        [("RejectContractRequest", "role")] = PartyRoles,
        [("SignatureVerification", "role")] = Roles.All,
        [("OrganizationView", "kind")] = Kinds,
        [("OrganizationView", "status")] = OrganizationStatuses.All,
        [("ChangeStatusRequest", "status")] = OrganizationStatuses.All,
        [("OrganizationKey", "status")] = KeyStatusValues,
        [("MPassView", "status")] = MPassStatusValues,
        [("ChangeMPassStatusRequest", "status")] = [MPassStatuses.Active, MPassStatuses.Suspended, MPassStatuses.Revoked],
        [("WebhookEndpointView", "status")] = EndpointStatusValues,
        [("ChangeEndpointRequest", "status")] = EndpointStatusValues,
        [("WebhookEndpointView", "event_types")] = WebhookEventTypes.All,
        [("CreateEndpointRequest", "event_types")] = WebhookEventTypes.All,
        [("ChangeEndpointRequest", "event_types")] = WebhookEventTypes.All,
        [("WebhookDeliveryView", "status")] = WebhookDeliveryStatuses.All,
        [("WebhookDeliveryView", "event_type")] = WebhookEventTypes.All,
        [("OrganizationStatusChangedData", "kind")] = Kinds,
        [("OrganizationStatusChangedData", "from")] = OrganizationStatuses.All,
        [("OrganizationStatusChangedData", "to")] = OrganizationStatuses.All,
        [("MPassStatusChangedData", "from")] = MPassStatusValues,
        [("MPassStatusChangedData", "to")] = MPassStatusValues,
        [("ContractEventData", "awaiting_role")] = PartyRoles,
        [("DisputeRequest", "reason_code")] = ["not_received", "duplicate", "fraudulent", "cancelled", "other"],
        [("DisputeDetails", "resolution")] = DisputeResolutions.All,
        [("ChargeDispute", "status")] = [ChargeDispute.Pending, .. DisputeResolutions.All],
    };

    private static readonly Dictionary<string, string> TagDescriptions = new()
    {
        ["Discovery"] = "Where Moneta's token endpoint and public keys are.",
        ["Auth"] = "Access tokens for partner organizations (OAuth 2.0 client credentials with private_key_jwt).",
        ["Operations"] = "Liveness and metrics for Moneta's operators.",
        ["Sandbox"] = "The sandbox clock (Development and Sandbox environments only).",
        ["Organizations"] = "MOs and publishers: registration, lifecycle, profile and keys.",
        ["mPass"] = "Members' digital passes, issued by their MO.",
        ["Templates"] = "The contract templates partners sign against.",
        ["Contracts"] = "The multi-signature contract flow.",
        ["Pipelines"] = "Business events: charges and disputes start contracts; a settlement request closes a batch.",
        ["Settlements"] = "Settlement batches: their figures, lines and settlement contracts.",
        ["Webhooks"] = "Webhook endpoints, test events and deliveries.",
    };

    public static IServiceCollection AddMonetaOpenApi(this IServiceCollection services) =>
        services.AddOpenApi(options =>
        {
            options.AddDocumentTransformer(DescribeDocumentAsync);
            options.AddOperationTransformer(DescribeOperation);
            options.AddSchemaTransformer(DescribeSchema);
        });

    private static async Task DescribeDocumentAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        var auth = context.ApplicationServices.GetRequiredService<MonetaAuthOptions>();
        document.Info = new OpenApiInfo
        {
            Title = "Moneta Core API",
            Version = "v1",
            Description = "Multi-signature contracts between Membership Organizations and Publishers, countersigned by Moneta. "
                + "Every signature is a detached JWS over RFC 8785 canonical JSON (docs/protocol.md); every refusal is an RFC 9457 problem with a stable "
                + "`code` (docs/errors.md); every write takes an `Idempotency-Key`; webhooks follow Standard Webhooks (docs/webhooks.md).",
            License = new OpenApiLicense { Name = "Proprietary", Url = new Uri("https://moneta.network/terms") },
        };
        document.Servers = [new OpenApiServer { Url = auth.Issuer.TrimEnd('/'), Description = "This Moneta (its issuer)" }];
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes["oauth2"] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.OAuth2,
            Description = "Client credentials with private_key_jwt (RFC 7523): post a client assertion signed with your registered key to the token endpoint (docs/protocol.md section 4).",
            Flows = new OpenApiOAuthFlows { ClientCredentials = new OpenApiOAuthFlow { TokenUrl = new Uri(auth.TokenEndpoint), Scopes = new Dictionary<string, string>() } },
        };
        document.Components.SecuritySchemes["bearer"] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            BearerFormat = "JWT",
            Description = "An access token from the token endpoint, or (operators) the admin token.",
        };
        document.Security = [Requirement(document, "oauth2"), Requirement(document, "bearer")];
        document.Tags = new HashSet<OpenApiTag>(TagDescriptions.Select(t => new OpenApiTag { Name = t.Key, Description = t.Value }));
        document.Components.Schemas ??= new Dictionary<string, IOpenApiSchema>();
        document.Components.Schemas["Problem"] = ProblemSchema();
        foreach (var request in RequiredRequestMembers.Keys)
        {
            if (document.Components.Schemas.TryGetValue(request, out var found) && found is OpenApiSchema schema) WithoutNullAlternatives(schema);
        }

        await AddWebhooksAsync(document, context, cancellationToken);
    }

    /// <summary>Each event type Moneta sends, as a POST to the partner's endpoint with the Standard Webhooks headers.</summary>
    private static async Task AddWebhooksAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Webhooks = new Dictionary<string, IOpenApiPathItem>();
        foreach (var (eventType, dataType) in WebhookPayloads.DataTypes)
        {
            if (!document.Components!.Schemas!.ContainsKey(dataType.Name))
                document.Components.Schemas[dataType.Name] = await context.GetOrCreateSchemaAsync(dataType, null, cancellationToken);
            var envelope = new OpenApiSchema
            {
                Type = JsonSchemaType.Object,
                Required = new HashSet<string> { "id", "type", "timestamp", "data" },
                Properties = new Dictionary<string, IOpenApiSchema>
                {
                    ["id"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "The event id, also in webhook-id: the same on every retry." },
                    ["type"] = new OpenApiSchema { Type = JsonSchemaType.String, Enum = [JsonValue.Create(eventType)] },
                    ["timestamp"] = new OpenApiSchema { Type = JsonSchemaType.String, Format = "date-time", Description = "When the event happened (Moneta's clock)." },
                    ["data"] = new OpenApiSchemaReference(dataType.Name, document),
                },
            };
            var operation = new OpenApiOperation
            {
                OperationId = "webhook_" + Regex.Replace(eventType, "[^a-z]", "_"),
                Summary = $"{eventType} (sent by Moneta to your endpoint)",
                Description = "Verify the signature over the raw body with your endpoint's whsec_ secret before parsing it (docs/webhooks.md). Delivery is at least once: deduplicate by webhook-id.",
                Security = [],
                Parameters =
                [
                    Header("webhook-id", "The event id; the same on every retry."),
                    Header("webhook-timestamp", "The attempt's time in Unix seconds (real time); refuse it if more than five minutes from your clock."),
                    Header("webhook-signature", "v1,<base64 HMAC-SHA256> per secret, separated by spaces during a secret rotation."),
                ],
                RequestBody = new OpenApiRequestBody { Required = true, Content = new Dictionary<string, OpenApiMediaType> { ["application/json"] = new() { Schema = envelope } } },
                Responses = new OpenApiResponses
                {
                    ["200"] = new OpenApiResponse { Description = "Any 2xx within 15 seconds acknowledges the webhook." },
                    ["410"] = new OpenApiResponse { Description = "Gone: Moneta disables the endpoint." },
                },
            };
            document.Webhooks[eventType] = new OpenApiPathItem { Operations = new Dictionary<HttpMethod, OpenApiOperation> { [HttpMethod.Post] = operation } };
        }
    }

    private static Task DescribeOperation(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var method = context.Description.HttpMethod ?? "GET";
        var rule = AuthorizationMatrix.Rules.FirstOrDefault(r => r.Method == method && Normalize(r.Route) == Normalize(context.Description.RelativePath ?? ""));
        if (rule is null) return Task.CompletedTask;
        var endpoint = $"{rule.Method} {rule.Route}";
        var document = context.Document!;
        var secured = !rule.Allowed.HasFlag(CallerKinds.Anonymous);
        var write = method is "POST" or "PUT" or "DELETE";

        operation.Summary = OperationDocs.Summaries.GetValueOrDefault(endpoint) ?? endpoint;
        operation.OperationId = OperationId(operation.Summary);
        operation.Description = $"Who may call it: {Callers(rule.Allowed)} ({rule.Why}).";
        if (!secured) operation.Security = [new OpenApiSecurityRequirement()];

        foreach (var parameter in operation.Parameters?.OfType<OpenApiParameter>() ?? [])
            DescribeParameter(parameter, rule.Route);
        if (secured && write)
        {
            operation.Parameters ??= [];
            operation.Parameters.Add(new OpenApiParameter
            {
                Name = IdempotencyKeys.Header,
                In = ParameterLocation.Header,
                Description = "Makes the request safe to retry: the same key and body within 24 hours get the first answer (docs/protocol.md section 9).",
                Schema = new OpenApiSchema { Type = JsonSchemaType.String, MinLength = 1, MaxLength = IdempotencyKeys.MaxLength },
            });
        }

        if (OperationDocs.RequestExamples.TryGetValue(endpoint, out var example) && operation.RequestBody?.Content is { } content)
        {
            foreach (var media in content.Values) media.Example = example();
        }

        var hasBody = operation.RequestBody is not null;
        var codes = new List<string>(ProblemCatalog.ByEndpoint.GetValueOrDefault(endpoint) ?? []) { ErrorCodes.RateLimited, ErrorCodes.Unavailable };
        if (secured) codes.AddRange([ErrorCodes.Unauthenticated, ErrorCodes.InvalidToken, ErrorCodes.Forbidden, ErrorCodes.OrganizationNotActive]);
        if (operation.Parameters?.Any(p => p.In == ParameterLocation.Path) == true) codes.Add(ErrorCodes.InvalidId);
        if (operation.Parameters?.Any(p => p.In == ParameterLocation.Query) == true) codes.AddRange([ErrorCodes.InvalidField, ErrorCodes.InvalidCursor, ErrorCodes.InvalidRequest]);
        codes.Add(ErrorCodes.UnknownQueryParameter);
        if (hasBody) codes.AddRange([ErrorCodes.InvalidJson, ErrorCodes.MissingField, ErrorCodes.InvalidField, ErrorCodes.PayloadTooLarge, ErrorCodes.UnsupportedMediaType]);
        if (secured && write) codes.AddRange([ErrorCodes.InvalidIdempotencyKey, ErrorCodes.IdempotencyKeyReused, ErrorCodes.IdempotencyKeyInUse, ErrorCodes.ConcurrentModification]);

        operation.Responses ??= new OpenApiResponses();
        foreach (var byStatus in codes.Distinct().SelectMany(code => ProblemCatalog.Statuses[code].Select(status => (status, code))).GroupBy(p => p.status).OrderBy(g => g.Key))
        {
            var statusCodes = byStatus.Select(p => p.code).Order(StringComparer.Ordinal).ToList();
            operation.Responses[byStatus.Key.ToString(System.Globalization.CultureInfo.InvariantCulture)] = ProblemResponse(document, byStatus.Key, statusCodes);
        }

        return Task.CompletedTask;
    }

    private static void DescribeParameter(OpenApiParameter parameter, string route)
    {
        if (parameter.Schema is not OpenApiSchema schema) return;
        switch (parameter.Name)
        {
            case "kind":
                schema.Enum = Values(Kinds);
                break;
            case "id" or "endpoint_id" or "delivery_id" or "kid" or "name" or "mo_id" or "publisher_id" or "mpass_id" or "batch_id":
                schema.Pattern = IdPattern;
                break;
            case "status":
                schema.Enum = Values(route switch
                {
                    "/api/v1/contracts/" => ContractStatuses.All,
                    "/api/v1/webhooks/deliveries/" => WebhookDeliveryStatuses.All,
                    "/api/v1/settlements/" => WireEnumConverter<SettlementBatchStatus>.Names,
                    _ => OrganizationStatuses.All,
                });
                break;
            case "limit":
                schema.Minimum = "1";
                schema.Maximum = Paging.MaxPageSize.ToString(System.Globalization.CultureInfo.InvariantCulture);
                schema.Default = JsonValue.Create(Paging.DefaultPageSize);
                break;
            case "cursor":
                schema.MaxLength = 1024;
                parameter.Description = "The next_cursor of the page before.";
                break;
            case "created_after" or "created_before" or "not_before" or "not_after":
                schema.Format = "date-time";
                break;
        }
    }

    private static Task DescribeSchema(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        if (context.JsonPropertyInfo is { } property)
        {
            var owner = property.DeclaringType.Name;
            if (RequiredRequestMembers.ContainsKey(owner))
            {
                // Request members are nullable in C# so that a missing one is a missing_field problem, not a crash; on the wire they are never null.
                if (schema.Type is { } type) schema.Type = type & ~JsonSchemaType.Null;
                if (schema.OneOf is { Count: 2 } oneOf && oneOf.OfType<OpenApiSchema>().Any(s => s.Type == JsonSchemaType.Null))
                    schema.OneOf = [.. oneOf.Where(s => s is not OpenApiSchema { Type: JsonSchemaType.Null })];
                if (property.Name.EndsWith("_id", StringComparison.Ordinal) || property.Name is "tier" or "mic") schema.Pattern = IdPattern;
            }

            if (Enumerations.TryGetValue((owner, property.Name), out var values))
            {
                if (schema.Type?.HasFlag(JsonSchemaType.Array) == true) schema.Items = new OpenApiSchema { Type = JsonSchemaType.String, Enum = Values(values) };
                else schema.Enum = schema.Type?.HasFlag(JsonSchemaType.Null) == true ? [.. Values(values), null!] : Values(values);
            }

            return Task.CompletedTask;
        }

        if (RequiredRequestMembers.TryGetValue(context.JsonTypeInfo.Type.Name, out var required))
            schema.Required = new HashSet<string>(required);
        if (context.JsonTypeInfo.Type == typeof(System.Text.Json.JsonElement))
            schema.Description = "Any JSON value.";
        return Task.CompletedTask;
    }

    /// <summary>A nullable object member is generated as oneOf [null, $ref] after the schema transformers ran; in a request it is never null.</summary>
    private static void WithoutNullAlternatives(OpenApiSchema request)
    {
        foreach (var (name, member) in request.Properties?.ToList() ?? [])
        {
            if (member is OpenApiSchema { OneOf: { Count: 2 } oneOf } && oneOf.OfType<OpenApiSchema>().Any(s => s.Type == JsonSchemaType.Null))
                request.Properties![name] = oneOf.Single(s => s is not OpenApiSchema { Type: JsonSchemaType.Null });
        }
    }

    private static OpenApiResponse ProblemResponse(OpenApiDocument document, int status, IReadOnlyList<string> codes) => new()
    {
        Description = $"A problem, code {string.Join(", ", codes)} (docs/errors.md).",
        Content = new Dictionary<string, OpenApiMediaType>
        {
            ["application/problem+json"] = new()
            {
                Schema = new OpenApiSchema
                {
                    AllOf =
                    [
                        new OpenApiSchemaReference("Problem", document),
                        new OpenApiSchema { Properties = new Dictionary<string, IOpenApiSchema> { ["code"] = new OpenApiSchema { Type = JsonSchemaType.String, Enum = Values(codes) } } },
                    ],
                },
                Examples = codes.ToDictionary(code => code, code => (IOpenApiExample)new OpenApiExample
                {
                    Value = new JsonObject
                    {
                        ["type"] = $"https://moneta.network/problems/{code}",
                        ["title"] = "The request failed",
                        ["status"] = status,
                        ["detail"] = $"What went wrong and what to do about it ({code}).",
                        ["code"] = code,
                        ["trace_id"] = "00-0834b4d32c44671beea279d0579d9818-b777da6654f64023-00",
                    },
                }),
            },
        },
    };

    private static OpenApiSchema ProblemSchema() => new()
    {
        Type = JsonSchemaType.Object,
        Description = "An RFC 9457 problem; act on status and code, show detail to a person.",
        Required = new HashSet<string> { "type", "title", "status", "code" },
        Properties = new Dictionary<string, IOpenApiSchema>
        {
            ["type"] = new OpenApiSchema { Type = JsonSchemaType.String, Format = "uri" },
            ["title"] = new OpenApiSchema { Type = JsonSchemaType.String },
            ["status"] = new OpenApiSchema { Type = JsonSchemaType.Integer },
            ["detail"] = new OpenApiSchema { Type = JsonSchemaType.String },
            ["code"] = new OpenApiSchema { Type = JsonSchemaType.String, Enum = Values(ProblemCatalog.Statuses.Keys.Order(StringComparer.Ordinal)) },
            ["trace_id"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "W3C traceparent of the request; quote it when asking for help." },
            ["signing_input_sha256"] = new OpenApiSchema { Type = JsonSchemaType.String, Pattern = "^[0-9a-f]{64}$", Description = "With invalid_signature: SHA-256 of the signing input Moneta verified." },
            ["kid"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "With invalid_signature: the key Moneta verified with." },
            ["alg"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "With invalid_signature: the algorithm Moneta verified with." },
            ["error"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "Token endpoint only: the RFC 6749 error." },
            ["error_description"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "Token endpoint only: what failed." },
        },
    };

    private static OpenApiParameter Header(string name, string description) => new()
    {
        Name = name,
        In = ParameterLocation.Header,
        Required = true,
        Description = description,
        Schema = new OpenApiSchema { Type = JsonSchemaType.String },
    };

    private static OpenApiSecurityRequirement Requirement(OpenApiDocument document, string scheme) => new() { [new OpenApiSecuritySchemeReference(scheme, document)] = [] };

    private static List<JsonNode> Values(IEnumerable<string> values) => [.. values.Select(v => (JsonNode)JsonValue.Create(v))];

    private static string Callers(CallerKinds allowed) =>
        allowed.HasFlag(CallerKinds.Anonymous) ? "anyone"
        : string.Join(", ", new[] { (CallerKinds.Admin, "the administrator"), (CallerKinds.Mo, "the MO party"), (CallerKinds.Publisher, "the publisher party"), (CallerKinds.Unrelated, "any active organization") }
            .Where(c => allowed.HasFlag(c.Item1)).Select(c => c.Item2));

    private static string OperationId(string summary)
    {
        var words = NonWord().Split(summary).Where(w => w.Length > 0).ToList();
        return string.Concat(words.Select((w, i) => i == 0 ? w.ToLowerInvariant() : char.ToUpperInvariant(w[0]) + w[1..].ToLowerInvariant()));
    }

    private static string Normalize(string route) => RouteConstraint().Replace(route, "{$1}").Trim('/');

    [GeneratedRegex(@"\{(\w+):[^}]+\}")]
    private static partial Regex RouteConstraint();

    [GeneratedRegex("[^A-Za-z0-9]+")]
    private static partial Regex NonWord();
}
