namespace Moneta.Webhooks;

/// <summary>
/// The event types an organization's enabled webhook endpoints take, as its organization grain keeps them so that a
/// contract step can tell from the organization it already read whether to announce an event (ADR 0012 §12).
/// The endpoints grain keeps it a superset of what the endpoints want: it widens it before an endpoint takes a new
/// type and narrows it only after the change is stored, so an event an endpoint wants is never skipped, and one no
/// endpoint wants costs at most a dispatcher's look at the endpoints.
/// </summary>
[GenerateSerializer, Immutable, Alias("Moneta.WebhookInterest")]
public sealed record WebhookInterest(bool AllTypes, IReadOnlyList<string> EventTypes)
{
    /// <summary>No enabled endpoint: nothing is announced.</summary>
    public static WebhookInterest None { get; } = new(false, []);

    private static readonly WebhookInterest Everything = new(true, []);

    /// <summary>The union of endpoints' event_types filters; an empty filter takes every type (<see cref="WebhookEventTypes.Match"/>).</summary>
    public static WebhookInterest Of(IEnumerable<IReadOnlyList<string>> filters)
    {
        var types = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var filter in filters)
        {
            if (filter.Count == 0) return Everything;
            types.UnionWith(filter);
        }

        return new WebhookInterest(false, [.. types]);
    }

    public bool Covers(string eventType) => AllTypes || EventTypes.Contains(eventType);

    public bool Covers(WebhookInterest other) => AllTypes || (!other.AllTypes && other.EventTypes.All(EventTypes.Contains));

    public WebhookInterest Union(WebhookInterest other) =>
        AllTypes || other.AllTypes ? Everything : new(false, [.. EventTypes.Union(other.EventTypes).Order(StringComparer.Ordinal)]);

    public bool Equals(WebhookInterest? other) =>
        other is not null && AllTypes == other.AllTypes && EventTypes.SequenceEqual(other.EventTypes);

    public override int GetHashCode() => HashCode.Combine(AllTypes, EventTypes.Count);
}
