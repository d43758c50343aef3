using System.Text.Json;
using Moneta.GrainModel;
using Moneta.Webhooks;

namespace Moneta.Grains.Webhooks;

/// <summary>
/// How a grain announces something to an organization by webhook: an event in its outbox, addressed to the
/// organization's dispatcher for the subject, committed with the state change it reports.
/// </summary>
public static class WebhookAnnouncements
{
    private static readonly JsonSerializerOptions DataFormat = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DictionaryKeyPolicy = null,
    };

    public static GrainEvent NewEvent(string type, DateTimeOffset occurredAt, object data) =>
        new(Guid.NewGuid().ToString(), type, occurredAt, JsonSerializer.SerializeToElement(data, DataFormat));

    public static void Announce(this IGrainOutbox outbox, string organizationId, string subjectType, string subjectId, GrainEvent @event) =>
        outbox.Send<IWebhookDispatcherGrain>(WebhookSubjects.DispatcherKey(organizationId, subjectType, subjectId), @event);
}
