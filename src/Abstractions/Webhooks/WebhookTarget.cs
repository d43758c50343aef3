namespace Moneta.Webhooks;

/// <summary>What a dispatcher needs to send to an endpoint: its address and the secrets that sign (two during a rotation).</summary>
[GenerateSerializer, Immutable, Alias("Moneta.WebhookTarget")]
public sealed record WebhookTarget(string EndpointId, string Url, IReadOnlyList<string> EventTypes, bool Enabled, IReadOnlyList<string> Secrets)
{
    public bool Wants(string eventType) => Enabled && (EventTypes.Count == 0 || EventTypes.Contains(eventType));
}
