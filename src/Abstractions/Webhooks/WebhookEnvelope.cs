namespace Moneta.Webhooks;

/// <summary>
/// The body of every webhook: <c>{"id", "type", "timestamp", "data"}</c>. The records below are the <c>data</c> of
/// each event type; grains build events from them, and the OpenAPI document's <c>webhooks</c> describe them, so the
/// two cannot drift apart.
/// </summary>
/// <param name="Timestamp">When the event happened, RFC 3339 in UTC with microseconds.</param>
public sealed record WebhookEnvelope<TData>(string Id, string Type, string Timestamp, TData Data);
