namespace Moneta.Errors;

/// <summary>Every problem <c>code</c> Moneta answers with. docs/errors.md explains each one.</summary>
public static class ErrorCodes
{
    // Transport
    public const string NotFound = "not_found";
    public const string MethodNotAllowed = "method_not_allowed";
    public const string Unavailable = "unavailable";
    public const string InternalError = "internal_error";

    // Request shape
    public const string InvalidJson = "invalid_json";
    public const string InvalidRequest = "invalid_request";
    public const string MissingField = "missing_field";
    public const string InvalidField = "invalid_field";
    public const string InvalidId = "invalid_id";
    public const string InvalidCursor = "invalid_cursor";
    public const string PayloadTooLarge = "payload_too_large";
    public const string UnsupportedMediaType = "unsupported_media_type";
    public const string UnknownQueryParameter = "unknown_query_parameter";

    // Idempotency-Key
    public const string InvalidIdempotencyKey = "invalid_idempotency_key";
    public const string IdempotencyKeyReused = "idempotency_key_reused";
    public const string IdempotencyKeyInUse = "idempotency_key_in_use";

    // Authentication and authorization
    public const string Unauthenticated = "unauthenticated";
    public const string InvalidToken = "invalid_token";
    public const string InvalidClient = "invalid_client";
    public const string UnsupportedGrantType = "unsupported_grant_type";
    public const string AssertionReplayed = "assertion_replayed";
    public const string Forbidden = "forbidden";
    public const string RateLimited = "rate_limited";

    // Organizations and keys
    public const string OrganizationNotFound = "organization_not_found";
    public const string OrganizationExists = "organization_exists";
    public const string OrganizationNotActive = "organization_not_active";
    public const string InvalidStatusTransition = "invalid_status_transition";
    public const string MicTaken = "mic_taken";
    public const string InvalidJwk = "invalid_jwk";
    public const string UnsupportedKey = "unsupported_key";
    public const string WeakKey = "weak_key";
    public const string PrivateKeyMaterial = "private_key_material";
    public const string KidRequired = "kid_required";
    public const string DuplicateKid = "duplicate_kid";
    public const string KeyNotFound = "key_not_found";
    public const string KeyRevoked = "key_revoked";
    public const string TooManyKeys = "too_many_keys";

    // mPasses
    public const string MPassNotFound = "mpass_not_found";
    public const string MPassExists = "mpass_exists";
    public const string MPassNotActive = "mpass_not_active";
    public const string MPassNotIssuedByMo = "mpass_not_issued_by_mo";

    // Templates
    public const string TemplateNotFound = "template_not_found";
    public const string InvalidTemplate = "invalid_template";
    public const string TemplateVersionConflict = "template_version_conflict";

    // Contracts
    public const string ContractNotFound = "contract_not_found";
    public const string ContractIdInUse = "contract_id_in_use";
    public const string InvalidPayload = "invalid_payload";
    public const string NotInitiator = "not_initiator";
    public const string RoleNotYours = "role_not_yours";
    public const string OutOfTurn = "out_of_turn";
    public const string AlreadySigned = "already_signed";
    public const string ContractClosed = "contract_closed";
    public const string ContractExpired = "contract_expired";
    public const string MalformedSignature = "malformed_signature";
    public const string UnknownKid = "unknown_kid";
    public const string InvalidSignature = "invalid_signature";
    public const string ConcurrentModification = "concurrent_modification";
    public const string RecordTooLarge = "record_too_large";

    // Disputes
    public const string DisputedContractNotFound = "disputed_contract_not_found";
    public const string DisputedContractNotACharge = "disputed_contract_not_a_charge";
    public const string ChargeNotFinalized = "charge_not_finalized";
    public const string DisputePartiesMismatch = "dispute_parties_mismatch";
    public const string DisputeCurrencyMismatch = "dispute_currency_mismatch";
    public const string DisputeWindowClosed = "dispute_window_closed";
    public const string DisputeAlreadyOpen = "dispute_already_open";
    public const string DisputeAmountExceedsRemaining = "dispute_amount_exceeds_remaining";

    // Settlements
    public const string SettlementFeeBelowMinimum = "settlement_fee_below_minimum";
    public const string SettlementSharesExceedTotal = "settlement_shares_exceed_total";
    public const string SettlementNotFound = "settlement_not_found";
    public const string NoSettlementTerms = "no_settlement_terms";
    public const string SettlementBatchEmpty = "settlement_batch_empty";
    public const string SettlementBatchClosing = "settlement_batch_closing";

    // Webhooks
    public const string WebhookEndpointNotFound = "webhook_endpoint_not_found";
    public const string InvalidWebhookUrl = "invalid_webhook_url";
    public const string WebhookUrlNotAllowed = "webhook_url_not_allowed";
    public const string UnknownEventType = "unknown_event_type";
    public const string TooManyWebhookEndpoints = "too_many_webhook_endpoints";
    public const string WebhookDeliveryNotFound = "webhook_delivery_not_found";
    public const string DeliveryNotDead = "delivery_not_dead";
    public const string DeliveryNotPending = "delivery_not_pending";
    public const string WebhookEndpointDisabled = "webhook_endpoint_disabled";
}
