using Moneta.Crypto;
using Moneta.Errors;
using Moneta.GrainModel;
using Moneta.Organizations;
using Moneta.Webhooks;

namespace Moneta.Grains.Webhooks;

/// <summary>
/// An organization's webhook endpoints: where its events go, which types each wants, and the secrets that sign
/// them. A handful per organization, so they live together and a dispatcher reads them in one call.
/// </summary>
[GrainType("webhookendpoints")]
public sealed class WebhookEndpointsGrain(
    [OutboxState] IOutboxState<WebhookEndpointsState> state,
    WebhookOptions options,
    OutboundAddressPolicy addressPolicy,
    TimeProvider clock) : Grain, IWebhookEndpointsGrain
{
    private const int MaxUrlLength = 2048;
    private const int MaxDescriptionLength = 500;

    private WebhookEndpointsState Registry => state.State;

    private string OrganizationId => this.GetPrimaryKeyString();

    public async Task<WebhookEndpointWithSecret> Create(WebhookEndpointRegistration registration)
    {
        var now = clock.GetUtcNow();
        if (Registry.Find(registration.Id) is { } created) return new WebhookEndpointWithSecret(created.ToView(OrganizationId, now), created.Secret);
        if (Registry.Endpoints.Count >= options.MaxEndpointsPerOrganization)
            throw DomainException.Conflict(ErrorCodes.TooManyWebhookEndpoints, $"An organization has at most {options.MaxEndpointsPerOrganization} webhook endpoints; delete one first.");

        var endpoint = new WebhookEndpoint(
            registration.Id, CheckedUrl(registration.Url), CheckedEventTypes(registration.EventTypes),
            CheckedDescription(registration.Description), WebhookEndpointStatuses.Enabled, null,
            WebhookSignature.GenerateSecret(), null, null, now, now);
        await CommitAsync(Registry.With(endpoint));
        return new WebhookEndpointWithSecret(endpoint.ToView(OrganizationId, now), endpoint.Secret);
    }

    public Task<IReadOnlyList<WebhookEndpointView>> List()
    {
        var now = clock.GetUtcNow();
        return Task.FromResult<IReadOnlyList<WebhookEndpointView>>([.. Registry.Endpoints.OrderBy(e => e.CreatedAt).Select(e => e.ToView(OrganizationId, now))]);
    }

    public Task<WebhookEndpointView?> Find(string endpointId) =>
        Task.FromResult<WebhookEndpointView?>(Registry.Find(endpointId)?.ToView(OrganizationId, clock.GetUtcNow()));

    public async Task<WebhookEndpointView> Change(string endpointId, WebhookEndpointChange change)
    {
        var endpoint = Load(endpointId);
        var status = change.Status ?? endpoint.Status;
        if (status is not (WebhookEndpointStatuses.Enabled or WebhookEndpointStatuses.Disabled))
            throw DomainException.Invalid(ErrorCodes.InvalidField, "'status' must be enabled or disabled.");

        var now = clock.GetUtcNow();
        var changed = endpoint with
        {
            Url = change.Url is null ? endpoint.Url : CheckedUrl(change.Url),
            EventTypes = change.EventTypes is null ? endpoint.EventTypes : CheckedEventTypes(change.EventTypes),
            Description = change.Description is null ? endpoint.Description : CheckedDescription(change.Description),
            Status = status,
            DisabledReason = status == WebhookEndpointStatuses.Disabled ? endpoint.DisabledReason ?? "disabled by the organization" : null,
            UpdatedAt = now,
        };
        await CommitAsync(Registry.With(changed));
        return changed.ToView(OrganizationId, now);
    }

    public async Task Delete(string endpointId)
    {
        Load(endpointId);
        await CommitAsync(Registry.Without(endpointId));
    }

    public async Task<WebhookEndpointWithSecret> RotateSecret(string endpointId, TimeSpan? requestedOverlap)
    {
        var endpoint = Load(endpointId);
        var overlap = requestedOverlap ?? options.SecretRotationOverlap;
        var now = clock.GetUtcNow();
        var rotated = endpoint with
        {
            Secret = WebhookSignature.GenerateSecret(),
            PreviousSecret = overlap > TimeSpan.Zero ? endpoint.Secret : null,
            PreviousSecretExpiresAt = overlap > TimeSpan.Zero ? now + overlap : null,
            UpdatedAt = now,
        };
        await CommitAsync(Registry.With(rotated));
        return new WebhookEndpointWithSecret(rotated.ToView(OrganizationId, now), rotated.Secret);
    }

    public async Task<WebhookTestSent> SendTest(string endpointId)
    {
        var endpoint = Load(endpointId);
        if (endpoint.Status != WebhookEndpointStatuses.Enabled)
            throw DomainException.Conflict(ErrorCodes.WebhookEndpointDisabled, $"Webhook endpoint '{endpointId}' is disabled; enable it (PUT with \"status\": \"enabled\") before testing it.");

        var data = new WebhookTestData(OrganizationId, endpointId, "A test event sent at your request; it needs no action.");
        var @event = WebhookAnnouncements.NewEvent(WebhookEventTypes.WebhookTest, clock.GetUtcNow(), data);
        state.Outbox.Announce(OrganizationId, "webhook_endpoint", endpointId, @event);
        await state.WriteStateAsync(); // commits the event with the (unchanged) registry, like any other announcement
        return new WebhookTestSent(@event.Id, WebhookSubjects.DeliveryId(endpointId, @event.Id));
    }

    public async Task Disable(string endpointId, string reason)
    {
        if (Registry.Find(endpointId) is not { Status: WebhookEndpointStatuses.Enabled } endpoint) return;
        var disabled = endpoint with { Status = WebhookEndpointStatuses.Disabled, DisabledReason = reason, UpdatedAt = clock.GetUtcNow() };
        await CommitAsync(Registry.With(disabled));
    }

    public Task<bool> Wants(string eventType) =>
        Task.FromResult(Registry.Endpoints.Any(e => e.Wants(eventType)));

    public Task<IReadOnlyList<WebhookTarget>> Targets()
    {
        var now = clock.GetUtcNow();
        return Task.FromResult<IReadOnlyList<WebhookTarget>>([.. Registry.Endpoints.Select(e => new WebhookTarget(e.Id, e.Url, e.EventTypes, e.Status == WebhookEndpointStatuses.Enabled, e.SigningSecrets(now)))]);
    }

    private WebhookEndpoint Load(string endpointId)
    {
        return Registry.Find(endpointId)
            ?? throw DomainException.NotFound(ErrorCodes.WebhookEndpointNotFound, $"Organization '{OrganizationId}' has no webhook endpoint '{endpointId}'.");
    }

    /// <summary>
    /// Stores the change, keeping the organization's <see cref="WebhookInterest"/> a superset of what the endpoints
    /// take: widened before the change is stored (so a step that starts after it is acknowledged announces the new
    /// types), narrowed only after. A failure between the two leaves it wider, which costs a dispatcher a look.
    /// </summary>
    private async Task CommitAsync(WebhookEndpointsState next)
    {
        var (before, after) = (Registry.Interest, next.Interest);
        var organization = GrainFactory.GetGrain<IOrganizationGrain>(OrganizationId);
        if (!before.Covers(after))
            await organization.RecordWebhookInterest(before.Union(after));

        state.State = next;
        await state.WriteStateAsync();

        if (!after.Equals(before))
            await organization.RecordWebhookInterest(after);
    }

    private string CheckedUrl(string url)
    {
        if (url.Length > MaxUrlLength || !Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http"))
            throw DomainException.Invalid(ErrorCodes.InvalidWebhookUrl, $"'url' must be an absolute http or https URL of at most {MaxUrlLength} characters.");
        if (uri.UserInfo.Length > 0 || uri.Fragment.Length > 0)
            throw DomainException.Invalid(ErrorCodes.InvalidWebhookUrl, "'url' must not carry user information or a fragment; put credentials in the path or query if you need them.");
        if (addressPolicy.RefusalFor(uri) is { } refusal)
            throw DomainException.Invalid(ErrorCodes.WebhookUrlNotAllowed, $"'url' is not allowed: {refusal}.");
        return uri.AbsoluteUri;
    }

    private static IReadOnlyList<string> CheckedEventTypes(IReadOnlyList<string> eventTypes)
    {
        if (eventTypes.FirstOrDefault(t => !WebhookEventTypes.All.Contains(t)) is { } unknown)
            throw DomainException.Invalid(ErrorCodes.UnknownEventType, $"'{unknown}' is not an event type; the types are {string.Join(", ", WebhookEventTypes.All)}.");
        return [.. eventTypes.Distinct().Order(StringComparer.Ordinal)];
    }

    private static string? CheckedDescription(string? description) =>
        description is { Length: > MaxDescriptionLength }
            ? throw DomainException.Invalid(ErrorCodes.InvalidField, $"'description' is at most {MaxDescriptionLength} characters.")
            : description;
}
