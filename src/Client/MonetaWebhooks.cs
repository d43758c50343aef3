using System.Text.Json;
using Microsoft.AspNetCore.Http;
using StandardWebhooks;
using StandardWebhooks.Diagnostics;

namespace Moneta.Client;

/// <summary>
/// Verifies a webhook from Moneta with the Standard Webhooks library: the signature over id, timestamp and the raw
/// body with the endpoint's <c>whsec_</c> secret, and a timestamp within five minutes of now. Verify the raw body
/// before parsing it, and remember <see cref="WebhookEvent.Id"/>: delivery is at least once.
/// </summary>
public sealed class MonetaWebhooks(string secret)
{
    private readonly StandardWebhook _verifier = new(secret);

    /// <exception cref="WebhookVerificationException">The signature or the timestamp does not verify.</exception>
    public WebhookEvent Verify(string rawBody, IHeaderDictionary headers)
    {
        _verifier.Verify(rawBody, headers);
        return JsonSerializer.Deserialize<WebhookEvent>(rawBody, Wire.Json)
            ?? throw new WebhookVerificationException("The webhook body is not an event.");
    }

    /// <summary>The same, with headers as any HTTP stack gives them.</summary>
    public WebhookEvent Verify(string rawBody, string webhookId, string webhookTimestamp, string webhookSignature) =>
        Verify(rawBody, new HeaderDictionary
        {
            ["webhook-id"] = webhookId,
            ["webhook-timestamp"] = webhookTimestamp,
            ["webhook-signature"] = webhookSignature,
        });
}
