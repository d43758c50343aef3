using Moneta.Webhooks;

namespace Moneta.Api.Endpoints;

/// <summary>
/// Webhook endpoints, managed by their organization (or an administrator), and the deliveries made to them:
/// every attempt on record, and dead deliveries redriven one by one or in bulk.
/// </summary>
public static class WebhooksApi
{
    private const int MaxRedrivenPerRequest = 1000;
    private static readonly TimeSpan MaxRotationOverlap = TimeSpan.FromDays(7);

    public static IEndpointRouteBuilder MapWebhooksApi(this IEndpointRouteBuilder app)
    {
        var endpoints = app.MapGroup("/api/v1/organizations/{kind}/{id}/webhooks").WithTags("Webhooks").RequireAuthorization();
        endpoints.MapPost("/", Create);
        endpoints.MapGet("/", List);
        endpoints.MapGet("/{endpoint_id}", Get);
        endpoints.MapPut("/{endpoint_id}", Change);
        endpoints.MapDelete("/{endpoint_id}", Delete);
        endpoints.MapPost("/{endpoint_id}/secret/rotate", RotateSecret);
        endpoints.MapPost("/{endpoint_id}/redrive", RedriveDead);
        endpoints.MapPost("/{endpoint_id}/test", SendTest);

        var deliveries = app.MapGroup("/api/v1/webhooks/deliveries").WithTags("Webhooks").RequireAuthorization();
        deliveries.MapGet("/", ListDeliveries);
        deliveries.MapGet("/{delivery_id}", GetDelivery);
        deliveries.MapPost("/{delivery_id}/redrive", Redrive);
        deliveries.MapPost("/{delivery_id}/retry", RetryNow);
        return app;
    }

    /// <summary>The answer carries the signing secret; it is shown this once (and again only by rotating it).</summary>
    public static async Task<Created<WebhookEndpointWithSecret>> Create(string kind, string id, CreateEndpointRequest request, Caller caller, NewResourceId newId, IGrainFactory grains)
    {
        var organization = await OwnEndpointsAsync(kind, id, caller, grains);
        var registration = new WebhookEndpointRegistration(Require.Text(request.Url, "url", 2048), EventTypes(request.EventTypes) ?? [], request.Description, newId.Value);
        var created = await organization.Create(registration);
        return TypedResults.Created($"/api/v1/organizations/{kind}/{id}/webhooks/{created.Endpoint.Id}", created);
    }

    public static async Task<Ok<EndpointList>> List(string kind, string id, Caller caller, IGrainFactory grains) =>
        TypedResults.Ok(new EndpointList(await (await OwnEndpointsAsync(kind, id, caller, grains)).List()));

    public static async Task<Ok<WebhookEndpointView>> Get(string kind, string id, string endpoint_id, Caller caller, IGrainFactory grains)
    {
        var organization = await OwnEndpointsAsync(kind, id, caller, grains);
        return TypedResults.Ok(await organization.Find(Require.Id(endpoint_id, "endpoint_id")) ?? throw EndpointNotFound(endpoint_id));
    }

    public static async Task<Ok<WebhookEndpointView>> Change(string kind, string id, string endpoint_id, ChangeEndpointRequest request, Caller caller, IGrainFactory grains)
    {
        var organization = await OwnEndpointsAsync(kind, id, caller, grains);
        var change = new WebhookEndpointChange(
            request.Url is null ? null : Require.Text(request.Url, "url", 2048), EventTypes(request.EventTypes), request.Description, request.Status);
        return TypedResults.Ok(await organization.Change(Require.Id(endpoint_id, "endpoint_id"), change));
    }

    public static async Task<NoContent> Delete(string kind, string id, string endpoint_id, Caller caller, IGrainFactory grains)
    {
        await (await OwnEndpointsAsync(kind, id, caller, grains)).Delete(Require.Id(endpoint_id, "endpoint_id"));
        return TypedResults.NoContent();
    }

    /// <summary>The old secret keeps signing beside the new one for the overlap (default from configuration, at most 7 days).</summary>
    public static async Task<Ok<WebhookEndpointWithSecret>> RotateSecret(
        string kind, string id, string endpoint_id, RotateSecretRequest? request, Caller caller, IGrainFactory grains)
    {
        var organization = await OwnEndpointsAsync(kind, id, caller, grains);
        TimeSpan? overlap = request?.OverlapSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : null;
        if (overlap < TimeSpan.Zero || overlap > MaxRotationOverlap)
            throw DomainException.Invalid(ErrorCodes.InvalidField, $"'overlap_seconds' must be between 0 and {MaxRotationOverlap.TotalSeconds:0}.");
        return TypedResults.Ok(await organization.RotateSecret(Require.Id(endpoint_id, "endpoint_id"), overlap));
    }

    /// <summary>Sends every dead delivery of the endpoint again (up to 1,000 per request; call again for more).</summary>
    public static async Task<Accepted<RedriveSummary>> RedriveDead(string kind, string id, string endpoint_id, Caller caller, IGrainFactory grains, IGrainIndex index)
    {
        var organization = await OwnEndpointsAsync(kind, id, caller, grains);
        Require.Id(endpoint_id, "endpoint_id");
        _ = await organization.Find(endpoint_id) ?? throw EndpointNotFound(endpoint_id);

        var redriven = 0;
        string? cursor = null;
        do
        {
            var page = await index.QueryAsync<IWebhookDeliveryGrain>("endpoint_status", $"{endpoint_id}|{WebhookDeliveryStatuses.Dead}", cursor, 100);
            foreach (var deliveryId in page.Keys)
            {
                await RedriveAsync(grains, deliveryId);
                redriven++;
            }

            cursor = page.NextCursor;
        }
        while (cursor is not null && redriven < MaxRedrivenPerRequest);

        return TypedResults.Accepted($"/api/v1/webhooks/deliveries?endpoint_id={endpoint_id}", new RedriveSummary(redriven, cursor is not null));
    }

    /// <summary>A signed webhook.test event to this endpoint alone, through the normal delivery path; follow it at the delivery's URL.</summary>
    public static async Task<Accepted<WebhookTestSent>> SendTest(string kind, string id, string endpoint_id, Caller caller, IGrainFactory grains)
    {
        var organization = await OwnEndpointsAsync(kind, id, caller, grains);
        var sent = await organization.SendTest(Require.Id(endpoint_id, "endpoint_id"));
        return TypedResults.Accepted($"/api/v1/webhooks/deliveries/{sent.DeliveryId}", sent);
    }

    /// <summary>A pending delivery waiting for its next attempt is attempted now; the answer is the delivery after that attempt.</summary>
    public static async Task<Accepted<WebhookDeliveryView>> RetryNow(string delivery_id, Caller caller, IGrainFactory grains)
    {
        var delivery = await FindVisibleDeliveryAsync(delivery_id, caller, grains);
        if (delivery.Status != WebhookDeliveryStatuses.Pending)
            throw DomainException.Conflict(ErrorCodes.DeliveryNotPending, $"Delivery '{delivery_id}' is {delivery.Status}; only pending deliveries are retried now (dead ones are redriven).");
        var dispatcherKey = await grains.GetGrain<IWebhookDeliveryGrain>(delivery_id).DispatcherKey();
        await grains.GetGrain<IWebhookDispatcherGrain>(dispatcherKey!).RetryNow(delivery_id);
        return TypedResults.Accepted($"/api/v1/webhooks/deliveries/{delivery_id}", (await grains.GetGrain<IWebhookDeliveryGrain>(delivery_id).Find())!);
    }

    /// <summary>An endpoint's deliveries, newest last, optionally only those in one status.</summary>
    public static async Task<Ok<DeliveryPage>> ListDeliveries(
        string? endpoint_id, string? status, string? cursor, int? limit, Caller caller, IGrainFactory grains, IGrainIndex index)
    {
        var endpointId = Require.Id(endpoint_id, "endpoint_id");
        await EnsureEndpointVisibleAsync(endpointId, caller, index);
        if (status is not null) Require.OneOf(status, "status", [.. WebhookDeliveryStatuses.All]);

        var page = await Paging.QueryAsync<IWebhookDeliveryGrain>(
            index, status is null ? "endpoint_id" : "endpoint_status", status is null ? endpointId : $"{endpointId}|{status}", cursor, limit);
        var deliveries = await Task.WhenAll(page.Keys.Select(key => grains.GetGrain<IWebhookDeliveryGrain>(key).Find()));
        return TypedResults.Ok(new DeliveryPage([.. deliveries.OfType<WebhookDeliveryView>()], page.NextCursor));
    }

    public static async Task<Ok<WebhookDeliveryView>> GetDelivery(string delivery_id, Caller caller, IGrainFactory grains) =>
        TypedResults.Ok(await FindVisibleDeliveryAsync(delivery_id, caller, grains));

    public static async Task<Accepted<WebhookDeliveryView>> Redrive(string delivery_id, Caller caller, IGrainFactory grains)
    {
        await FindVisibleDeliveryAsync(delivery_id, caller, grains);
        await RedriveAsync(grains, delivery_id);
        var delivery = await grains.GetGrain<IWebhookDeliveryGrain>(delivery_id).Find();
        return TypedResults.Accepted($"/api/v1/webhooks/deliveries/{delivery_id}", delivery!);
    }

    private static async Task RedriveAsync(IGrainFactory grains, string deliveryId)
    {
        var dispatcherKey = await grains.GetGrain<IWebhookDeliveryGrain>(deliveryId).DispatcherKey();
        await grains.GetGrain<IWebhookDispatcherGrain>(dispatcherKey!).Redrive(deliveryId);
    }

    private static async Task<IWebhookEndpointsGrain> OwnEndpointsAsync(string kind, string id, Caller caller, IGrainFactory grains)
    {
        caller.EnsureAdminOr(id);
        await OrganizationsApi.FindAsync(grains, kind, id);
        return grains.GetGrain<IWebhookEndpointsGrain>(id);
    }

    /// <summary>An endpoint of another organization answers as not found, like one that does not exist.</summary>
    private static async Task EnsureEndpointVisibleAsync(string endpointId, Caller caller, IGrainIndex index)
    {
        var owners = (await index.QueryAsync<IWebhookEndpointsGrain>("endpoint_id", endpointId, null, 1)).Keys;
        if (owners is not [var owner] || !caller.IsAdminOr(owner)) throw EndpointNotFound(endpointId);
    }

    private static async Task<WebhookDeliveryView> FindVisibleDeliveryAsync(string deliveryId, Caller caller, IGrainFactory grains)
    {
        Require.Id(deliveryId, "delivery_id");
        var delivery = await grains.GetGrain<IWebhookDeliveryGrain>(deliveryId).Find();
        return delivery is not null && caller.IsAdminOr(delivery.OrganizationId)
            ? delivery
            : throw DomainException.NotFound(ErrorCodes.WebhookDeliveryNotFound, $"No webhook delivery with id '{deliveryId}' is visible to you.");
    }

    private static IReadOnlyList<string>? EventTypes(IReadOnlyList<string?>? eventTypes) =>
        eventTypes is null ? null : [.. eventTypes.Select(t => Require.Text(t, "event_types", 64))];

    private static DomainException EndpointNotFound(string endpointId) =>
        DomainException.NotFound(ErrorCodes.WebhookEndpointNotFound, $"No webhook endpoint with id '{endpointId}' is visible to you.");

    public sealed record CreateEndpointRequest(string? Url, IReadOnlyList<string?>? EventTypes, string? Description);

    public sealed record ChangeEndpointRequest(string? Url, IReadOnlyList<string?>? EventTypes, string? Description, string? Status);

    public sealed record RotateSecretRequest(int? OverlapSeconds);

    public sealed record EndpointList(IReadOnlyList<WebhookEndpointView> Items);

    public sealed record DeliveryPage(IReadOnlyList<WebhookDeliveryView> Items, string? NextCursor);

    public sealed record RedriveSummary(int Redriven, bool More);
}
