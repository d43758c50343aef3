namespace Moneta.Webhooks;

/// <summary>How an attempt ended, as the dispatcher needs to know it.</summary>
[GenerateSerializer, Alias("Moneta.DeliveryOutcome")]
public enum DeliveryOutcome
{
    Delivered,
    RetryLater,
    Dead,

    /// <summary>The endpoint answered 410 Gone: it wants no more webhooks.</summary>
    Gone,
}
