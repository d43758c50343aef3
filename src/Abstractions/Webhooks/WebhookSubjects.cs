namespace Moneta.Webhooks;

/// <summary>
/// Where an organization's events about one subject go: one dispatcher per organization and subject (a contract,
/// an mPass, the organization itself), so that a subject's events stay in order and subjects proceed in parallel.
/// </summary>
public static class WebhookSubjects
{
    public static string DispatcherKey(string organizationId, string subjectType, string subjectId) => $"{organizationId}/{subjectType}/{subjectId}";

    public static string DeliveryId(string endpointId, string eventId) => $"{endpointId}:{eventId}";
}
