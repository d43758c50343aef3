namespace Moneta.Webhooks;

public static class WebhookDeliveryStatuses
{
    /// <summary>Waiting for its turn or for its next attempt.</summary>
    public const string Pending = "pending";

    public const string Delivered = "delivered";

    /// <summary>Every attempt failed (or the endpoint was disabled); redrive sends it again.</summary>
    public const string Dead = "dead";

    public static IReadOnlyList<string> All { get; } = [Pending, Delivered, Dead];
}
