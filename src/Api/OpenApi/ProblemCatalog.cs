namespace Moneta.Api.OpenApi;

/// <summary>
/// Every problem code with the HTTP statuses it comes with (docs/errors.md, checked by a test), and which codes each
/// endpoint can answer beyond those every endpoint of its shape can. The OpenAPI document lists them per operation.
/// </summary>
public static class ProblemCatalog
{
    public static IReadOnlyDictionary<string, int[]> Statuses { get; } = new Dictionary<string, int[]>
    {
        [ErrorCodes.InvalidJson] = [400],
        [ErrorCodes.InvalidRequest] = [400],
        [ErrorCodes.MissingField] = [400],
        [ErrorCodes.InvalidField] = [400],
        [ErrorCodes.InvalidId] = [400],
        [ErrorCodes.InvalidCursor] = [400],
        [ErrorCodes.UnknownQueryParameter] = [400],
        [ErrorCodes.PayloadTooLarge] = [413],
        [ErrorCodes.UnsupportedMediaType] = [415],
        [ErrorCodes.NotFound] = [404],
        [ErrorCodes.MethodNotAllowed] = [405],
        [ErrorCodes.Unavailable] = [503],
        [ErrorCodes.InternalError] = [500],
        [ErrorCodes.InvalidIdempotencyKey] = [400],
        [ErrorCodes.IdempotencyKeyReused] = [409],
        [ErrorCodes.IdempotencyKeyInUse] = [409],
        [ErrorCodes.Unauthenticated] = [401],
        [ErrorCodes.InvalidToken] = [401],
        [ErrorCodes.InvalidClient] = [401, 400],
        [ErrorCodes.UnsupportedGrantType] = [400],
        [ErrorCodes.AssertionReplayed] = [400],
        [ErrorCodes.Forbidden] = [403],
        [ErrorCodes.RateLimited] = [429],
        [ErrorCodes.OrganizationNotFound] = [404],
        [ErrorCodes.OrganizationExists] = [409],
        [ErrorCodes.OrganizationNotActive] = [409, 403],
        [ErrorCodes.InvalidStatusTransition] = [409],
        [ErrorCodes.MicTaken] = [409],
        [ErrorCodes.InvalidJwk] = [400],
        [ErrorCodes.UnsupportedKey] = [400],
        [ErrorCodes.WeakKey] = [400],
        [ErrorCodes.PrivateKeyMaterial] = [400],
        [ErrorCodes.KidRequired] = [400],
        [ErrorCodes.DuplicateKid] = [409],
        [ErrorCodes.KeyNotFound] = [404],
        [ErrorCodes.KeyRevoked] = [409],
        [ErrorCodes.TooManyKeys] = [409],
        [ErrorCodes.MPassNotFound] = [404],
        [ErrorCodes.MPassExists] = [409],
        [ErrorCodes.MPassNotActive] = [409],
        [ErrorCodes.MPassNotIssuedByMo] = [400],
        [ErrorCodes.TemplateNotFound] = [404],
        [ErrorCodes.InvalidTemplate] = [400],
        [ErrorCodes.TemplateVersionConflict] = [409],
        [ErrorCodes.ContractNotFound] = [404],
        [ErrorCodes.ContractIdInUse] = [409],
        [ErrorCodes.InvalidPayload] = [400],
        [ErrorCodes.NotInitiator] = [403],
        [ErrorCodes.RoleNotYours] = [403],
        [ErrorCodes.OutOfTurn] = [409],
        [ErrorCodes.AlreadySigned] = [409],
        [ErrorCodes.ContractClosed] = [409],
        [ErrorCodes.ContractExpired] = [409],
        [ErrorCodes.MalformedSignature] = [400],
        [ErrorCodes.UnknownKid] = [400],
        [ErrorCodes.InvalidSignature] = [400],
        [ErrorCodes.ConcurrentModification] = [409],
        [ErrorCodes.RecordTooLarge] = [409],
        [ErrorCodes.DisputedContractNotFound] = [404],
        [ErrorCodes.DisputedContractNotACharge] = [400],
        [ErrorCodes.ChargeNotFinalized] = [409],
        [ErrorCodes.DisputePartiesMismatch] = [400],
        [ErrorCodes.DisputeCurrencyMismatch] = [400],
        [ErrorCodes.DisputeWindowClosed] = [409],
        [ErrorCodes.DisputeAlreadyOpen] = [409],
        [ErrorCodes.DisputeAmountExceedsRemaining] = [409],
        [ErrorCodes.SettlementFeeBelowMinimum] = [400],
        [ErrorCodes.SettlementSharesExceedTotal] = [400],
        [ErrorCodes.SettlementNotFound] = [404],
        [ErrorCodes.NoSettlementTerms] = [409],
        [ErrorCodes.SettlementBatchEmpty] = [409],
        [ErrorCodes.SettlementBatchClosing] = [409],
        [ErrorCodes.WebhookEndpointNotFound] = [404],
        [ErrorCodes.InvalidWebhookUrl] = [400],
        [ErrorCodes.WebhookUrlNotAllowed] = [400],
        [ErrorCodes.UnknownEventType] = [400],
        [ErrorCodes.TooManyWebhookEndpoints] = [409],
        [ErrorCodes.WebhookDeliveryNotFound] = [404],
        [ErrorCodes.DeliveryNotDead] = [409],
        [ErrorCodes.DeliveryNotPending] = [409],
        [ErrorCodes.WebhookEndpointDisabled] = [409],
    };

    private static readonly string[] KeyCodes = [ErrorCodes.InvalidJwk, ErrorCodes.UnsupportedKey, ErrorCodes.WeakKey, ErrorCodes.PrivateKeyMaterial, ErrorCodes.KidRequired, ErrorCodes.DuplicateKid, ErrorCodes.TooManyKeys];

    private static readonly string[] SignatureCodes =
    [
        ErrorCodes.ContractNotFound, ErrorCodes.RoleNotYours, ErrorCodes.OutOfTurn, ErrorCodes.ContractClosed, ErrorCodes.ContractExpired,
        ErrorCodes.MalformedSignature, ErrorCodes.UnknownKid, ErrorCodes.InvalidSignature, ErrorCodes.OrganizationNotActive, ErrorCodes.MPassNotActive,
    ];

    private static readonly string[] InitiationCodes =
    [
        ErrorCodes.TemplateNotFound, ErrorCodes.InvalidPayload, ErrorCodes.NotInitiator, ErrorCodes.OrganizationNotFound, ErrorCodes.OrganizationNotActive,
        ErrorCodes.MPassNotFound, ErrorCodes.MPassNotIssuedByMo, ErrorCodes.MPassNotActive, ErrorCodes.MalformedSignature, ErrorCodes.UnknownKid,
        ErrorCodes.InvalidSignature, ErrorCodes.ContractIdInUse, ErrorCodes.RecordTooLarge,
    ];

    private static readonly string[] DisputeCodes =
    [
        ErrorCodes.DisputedContractNotFound, ErrorCodes.DisputedContractNotACharge, ErrorCodes.ChargeNotFinalized, ErrorCodes.DisputePartiesMismatch,
        ErrorCodes.DisputeCurrencyMismatch, ErrorCodes.DisputeWindowClosed, ErrorCodes.DisputeAlreadyOpen, ErrorCodes.DisputeAmountExceedsRemaining,
    ];

    private static readonly string[] SettlementTermsCodes = [ErrorCodes.SettlementFeeBelowMinimum, ErrorCodes.SettlementSharesExceedTotal];

    /// <summary>The codes particular to an endpoint (method and route as in the authorization matrix).</summary>
    public static IReadOnlyDictionary<string, string[]> ByEndpoint { get; } = new Dictionary<string, string[]>
    {
        ["POST /api/v1/auth/token"] = [ErrorCodes.InvalidClient, ErrorCodes.UnsupportedGrantType, ErrorCodes.AssertionReplayed, ErrorCodes.OrganizationNotActive, ErrorCodes.InvalidIdempotencyKey],
        ["POST /api/v1/organizations/{kind}"] = [ErrorCodes.OrganizationExists, ErrorCodes.MicTaken, .. KeyCodes],
        ["GET /api/v1/organizations/{kind}/{id}"] = [ErrorCodes.OrganizationNotFound],
        ["PUT /api/v1/organizations/{kind}/{id}"] = [ErrorCodes.OrganizationNotFound, ErrorCodes.RecordTooLarge],
        ["PUT /api/v1/organizations/{kind}/{id}/status"] = [ErrorCodes.OrganizationNotFound, ErrorCodes.InvalidStatusTransition],
        ["GET /api/v1/organizations/{kind}/{id}/audit"] = [ErrorCodes.OrganizationNotFound],
        ["POST /api/v1/organizations/{kind}/{id}/keys"] = [ErrorCodes.OrganizationNotFound, .. KeyCodes],
        ["POST /api/v1/organizations/{kind}/{id}/keys/{kid}/retire"] = [ErrorCodes.OrganizationNotFound, ErrorCodes.KeyNotFound, ErrorCodes.KeyRevoked],
        ["POST /api/v1/organizations/{kind}/{id}/keys/{kid}/revoke"] = [ErrorCodes.OrganizationNotFound, ErrorCodes.KeyNotFound],
        ["POST /api/v1/mpass/"] = [ErrorCodes.OrganizationNotFound, ErrorCodes.OrganizationNotActive, ErrorCodes.MPassExists],
        ["GET /api/v1/mpass/{id}"] = [ErrorCodes.MPassNotFound],
        ["GET /api/v1/mpass/{id}/audit"] = [ErrorCodes.MPassNotFound],
        ["PUT /api/v1/mpass/{id}/status"] = [ErrorCodes.MPassNotFound, ErrorCodes.InvalidStatusTransition],
        ["PUT /api/v1/mpass/{id}/tier"] = [ErrorCodes.MPassNotFound],
        ["GET /api/v1/templates/{name}"] = [ErrorCodes.TemplateNotFound],
        ["GET /api/v1/templates/{name}/versions/{version:int}"] = [ErrorCodes.TemplateNotFound],
        ["POST /api/v1/templates/{name}/versions"] = [ErrorCodes.InvalidTemplate, ErrorCodes.TemplateVersionConflict],
        ["POST /api/v1/contracts/"] = [.. InitiationCodes, .. DisputeCodes, .. SettlementTermsCodes],
        ["POST /api/v1/events/subscription_charges"] = InitiationCodes,
        ["POST /api/v1/events/disputes"] = [.. InitiationCodes, .. DisputeCodes],
        ["POST /api/v1/events/settlements"] = [ErrorCodes.NoSettlementTerms, ErrorCodes.SettlementBatchEmpty, ErrorCodes.SettlementBatchClosing],
        ["GET /api/v1/settlements/{batch_id}"] = [ErrorCodes.SettlementNotFound],
        ["GET /api/v1/settlements/{batch_id}/lines"] = [ErrorCodes.SettlementNotFound],
        ["GET /api/v1/contracts/{id}"] = [ErrorCodes.ContractNotFound],
        ["GET /api/v1/contracts/{id}/audit"] = [ErrorCodes.ContractNotFound],
        ["GET /api/v1/contracts/{id}/verification"] = [ErrorCodes.ContractNotFound],
        ["POST /api/v1/contracts/{id}/signatures"] = [.. SignatureCodes, ErrorCodes.AlreadySigned],
        ["POST /api/v1/contracts/{id}/rejection"] = SignatureCodes,
        ["POST /api/v1/contracts/{id}/void"] = [ErrorCodes.ContractNotFound, ErrorCodes.NotInitiator, ErrorCodes.ContractClosed, ErrorCodes.ContractExpired],
        ["POST /api/v1/organizations/{kind}/{id}/webhooks/"] = [ErrorCodes.OrganizationNotFound, ErrorCodes.InvalidWebhookUrl, ErrorCodes.WebhookUrlNotAllowed, ErrorCodes.UnknownEventType, ErrorCodes.TooManyWebhookEndpoints],
        ["GET /api/v1/organizations/{kind}/{id}/webhooks/"] = [ErrorCodes.OrganizationNotFound],
        ["GET /api/v1/organizations/{kind}/{id}/webhooks/{endpoint_id}"] = [ErrorCodes.OrganizationNotFound, ErrorCodes.WebhookEndpointNotFound],
        ["PUT /api/v1/organizations/{kind}/{id}/webhooks/{endpoint_id}"] = [ErrorCodes.OrganizationNotFound, ErrorCodes.WebhookEndpointNotFound, ErrorCodes.InvalidWebhookUrl, ErrorCodes.WebhookUrlNotAllowed, ErrorCodes.UnknownEventType],
        ["DELETE /api/v1/organizations/{kind}/{id}/webhooks/{endpoint_id}"] = [ErrorCodes.OrganizationNotFound, ErrorCodes.WebhookEndpointNotFound],
        ["POST /api/v1/organizations/{kind}/{id}/webhooks/{endpoint_id}/secret/rotate"] = [ErrorCodes.OrganizationNotFound, ErrorCodes.WebhookEndpointNotFound],
        ["POST /api/v1/organizations/{kind}/{id}/webhooks/{endpoint_id}/redrive"] = [ErrorCodes.OrganizationNotFound, ErrorCodes.WebhookEndpointNotFound],
        ["POST /api/v1/organizations/{kind}/{id}/webhooks/{endpoint_id}/test"] = [ErrorCodes.OrganizationNotFound, ErrorCodes.WebhookEndpointNotFound, ErrorCodes.WebhookEndpointDisabled],
        ["GET /api/v1/webhooks/deliveries/"] = [ErrorCodes.WebhookEndpointNotFound],
        ["GET /api/v1/webhooks/deliveries/{delivery_id}"] = [ErrorCodes.WebhookDeliveryNotFound],
        ["POST /api/v1/webhooks/deliveries/{delivery_id}/redrive"] = [ErrorCodes.WebhookDeliveryNotFound, ErrorCodes.DeliveryNotDead],
        ["POST /api/v1/webhooks/deliveries/{delivery_id}/retry"] = [ErrorCodes.WebhookDeliveryNotFound, ErrorCodes.DeliveryNotPending],
    };
}
