namespace Moneta.Webhooks;

public static class WebhookEndpointStatuses
{
    public const string Enabled = "enabled";

    /// <summary>Disabled by its organization, or by Moneta after the endpoint answered 410 Gone.</summary>
    public const string Disabled = "disabled";
}
