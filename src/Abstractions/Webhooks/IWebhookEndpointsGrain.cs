using Orleans.Concurrency;

namespace Moneta.Webhooks;

/// <summary>An organization's webhook endpoints (a grain per organization; the key is the organization id).</summary>
[Alias("Moneta.IWebhookEndpointsGrain")]
public interface IWebhookEndpointsGrain : IGrainWithStringKey
{
    Task<WebhookEndpointWithSecret> Create(WebhookEndpointRegistration registration);

    Task<IReadOnlyList<WebhookEndpointView>> List();

    Task<WebhookEndpointView?> Find(string endpointId);

    Task<WebhookEndpointView> Change(string endpointId, WebhookEndpointChange change);

    Task Delete(string endpointId);

    /// <summary>A new secret signs from now on; the old one also signs until <paramref name="overlap"/> (null: the configured default) has passed.</summary>
    Task<WebhookEndpointWithSecret> RotateSecret(string endpointId, TimeSpan? overlap);

    /// <summary>Sends a signed webhook.test event to the endpoint through the normal delivery path (outbox, dispatcher, retries).</summary>
    Task<WebhookTestSent> SendTest(string endpointId);

    /// <summary>Moneta disables an endpoint that answered 410 Gone; its organization may enable it again.</summary>
    Task Disable(string endpointId, string reason);

    /// <summary>
    /// Whether an enabled endpoint wants events of this type now. A grain asks before it commits a step, and an event
    /// no endpoint wants is not put in the outbox at all.
    /// </summary>
    [ReadOnly]
    Task<bool> Wants(string eventType);

    /// <summary>The endpoints as dispatchers need them, secrets included; never returned over the API.</summary>
    Task<IReadOnlyList<WebhookTarget>> Targets();
}
