namespace Moneta.Webhooks;

/// <summary>One event for one endpoint (the key is the delivery id, endpoint id and event id).</summary>
[Alias("Moneta.IWebhookDeliveryGrain")]
public interface IWebhookDeliveryGrain : IGrainWithStringKey
{
    /// <summary>Records the delivery; the same event for the same endpoint again changes nothing.</summary>
    Task<WebhookDeliveryView> Create(NewDelivery delivery);

    /// <summary>
    /// Sends the event once, signed with the target's secrets, and records the attempt. A delivery not yet on record
    /// is created from <paramref name="ifNew"/> in the same write (a delivery that goes out at once costs one write).
    /// </summary>
    Task<DeliveryResult> Attempt(WebhookTarget target, NewDelivery? ifNew);

    /// <summary>Ends the delivery without sending it: its endpoint is gone or disabled.</summary>
    Task<WebhookDeliveryView> GiveUp(string reason);

    /// <summary>A dead delivery starts again with a fresh retry schedule; its earlier attempts stay on record.</summary>
    Task<WebhookDeliveryView> Reopen();

    Task<WebhookDeliveryView?> Find();

    /// <summary>The dispatcher that orders this delivery among its subject's events.</summary>
    Task<string?> DispatcherKey();
}
