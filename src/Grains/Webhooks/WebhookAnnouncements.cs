using System.Text.Json;
using Moneta.GrainModel;
using Moneta.Webhooks;

namespace Moneta.Grains.Webhooks;

/// <summary>
/// How a grain announces something to an organization by webhook: an event in its outbox, addressed to the
/// organization's dispatcher for the subject, committed with the state change it reports. An event is announced
/// only if one of the organization's endpoints wants it when the step is taken: an organization without webhooks
/// costs a step one call to its (resident) endpoints grain, instead of an outbox message and a dispatcher activation.
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

    /// <summary>
    /// Puts an event in the outbox if an endpoint of the organization wants its type; call it before the step's
    /// write. The event's data is made only then. A caller that read the organization in this step passes its
    /// <paramref name="interest"/> and saves the call to the endpoints grain; without one (null: an organization
    /// stored before it kept its interest) the endpoints grain is asked.
    /// </summary>
    public static async Task AnnounceAsync(
        this IGrainOutbox outbox, IGrainFactory grains, string organizationId, string subjectType, string subjectId, string eventType, DateTimeOffset occurredAt, Func<object> data,
        WebhookInterest? interest = null)
    {
        if (interest?.Covers(eventType) ?? await grains.GetGrain<IWebhookEndpointsGrain>(organizationId).Wants(eventType))
            outbox.Announce(organizationId, subjectType, subjectId, NewEvent(eventType, occurredAt, data()));
    }

    /// <summary>Puts the event in the outbox whoever listens (a test event names its endpoint).</summary>
    internal static void Announce(this IGrainOutbox outbox, string organizationId, string subjectType, string subjectId, GrainEvent @event) =>
        outbox.Send<IWebhookDispatcherGrain>(WebhookSubjects.DispatcherKey(organizationId, subjectType, subjectId), @event);
}
