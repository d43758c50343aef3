namespace Moneta.Webhooks;

/// <summary>A test event on its way: the event's id, and the delivery to follow (GET /api/v1/webhooks/deliveries/{delivery_id}).</summary>
[GenerateSerializer, Immutable, Alias("Moneta.WebhookTestSent")]
public sealed record WebhookTestSent(string EventId, string DeliveryId);
