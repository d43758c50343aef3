using Moneta.Organizations;
using Moneta.Settlements;

namespace Moneta.Api.Endpoints;

/// <summary>
/// Settlement batches, read by their MO and publisher (and the administrator), and the settlement pipeline entry
/// (api/v1/events/settlements) through which either party closes its open batch early. A batch that is not the
/// caller's answers as a missing one.
/// </summary>
public static class SettlementsApi
{
    public static IEndpointRouteBuilder MapSettlementsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1/settlements").WithTags("Settlements").RequireAuthorization();
        api.MapGet("/", List);
        api.MapGet("/{batch_id}", Get);
        api.MapGet("/{batch_id}/lines", Lines);
        app.MapPost("/api/v1/events/settlements", Close).WithTags("Pipelines").RequireAuthorization();
        return app;
    }

    /// <summary>Either party closes its open batch now; the batch's settlement contract follows (202: the batch as it is now).</summary>
    public static async Task<Accepted<SettlementBatchView>> Close(CloseBatchRequest request, Caller caller, IGrainFactory grains)
    {
        var account = new SettlementAccountKey(
            Require.Id(request.MoId, "mo_id"),
            Require.Id(request.PublisherId, "publisher_id"),
            Currency.TryParse(Require.Present(request.Currency, "currency"), out var currency)
                ? currency.Code
                : throw DomainException.Invalid(ErrorCodes.InvalidField, "'currency' must be an ISO 4217 currency code such as EUR."));
        if (caller.PartyId != account.MoId && caller.PartyId != account.PublisherId)
            throw DomainException.Forbidden(ErrorCodes.Forbidden, "Only the MO or the publisher of a settlement closes its batch.");

        var batchId = await grains.GetGrain<ISettlementAccountGrain>(account.ToString()).CloseEarly();
        var batch = await grains.GetGrain<ISettlementBatchGrain>(batchId).Find();
        return TypedResults.Accepted($"/api/v1/settlements/{batchId}", batch!);
    }

    /// <summary>A party's batches (by its own mo_id or publisher_id), optionally in one status, oldest period first.</summary>
    public static async Task<Ok<Page<SettlementBatchView>>> List(string? mo_id, string? publisher_id, string? status, string? cursor, int? limit, Caller caller, IGrainFactory grains, IGrainIndex index)
    {
        if ((mo_id is null) == (publisher_id is null))
            throw DomainException.Invalid(ErrorCodes.InvalidRequest, "Filter by mo_id or by publisher_id (one of them), optionally with status.");
        var (kind, party) = mo_id is not null ? (OrganizationKinds.Mo, Require.Id(mo_id, "mo_id")) : (OrganizationKinds.Publisher, Require.Id(publisher_id, "publisher_id"));
        if (!caller.IsAdmin && caller.PartyId != party)
            throw DomainException.Forbidden(ErrorCodes.Forbidden, $"You may list settlements by your own {kind}_id only.");
        var (indexName, key) = status is null
            ? ($"{kind}_id", party)
            : ($"{kind}_status", $"{party}/{Require.OneOf(status, "status", [.. WireEnumConverter<SettlementBatchStatus>.Names])}");

        var page = await Paging.QueryAsync<ISettlementBatchGrain>(index, indexName, key, cursor, limit);
        var batches = await Task.WhenAll(page.Keys.Select(id => grains.GetGrain<ISettlementBatchGrain>(id).Find()));
        return TypedResults.Ok(new Page<SettlementBatchView>([.. batches.OfType<SettlementBatchView>()], page.NextCursor));
    }

    public static async Task<Ok<SettlementBatchView>> Get(string batch_id, Caller caller, IGrainFactory grains) =>
        TypedResults.Ok(await FindVisibleAsync(batch_id, caller, grains));

    /// <summary>The lines in digest order: each party recomputes lines_digest from them before signing.</summary>
    public static async Task<Ok<SettlementLinePage>> Lines(string batch_id, string? cursor, int? limit, Caller caller, IGrainFactory grains)
    {
        var pageSize = limit ?? Paging.DefaultPageSize;
        if (pageSize is < 1 or > Paging.MaxPageSize)
            throw DomainException.Invalid(ErrorCodes.InvalidField, $"'limit' must be between 1 and {Paging.MaxPageSize}.");
        if (cursor is { Length: > 1024 })
            throw DomainException.Invalid(ErrorCodes.InvalidCursor, "'cursor' must be a next_cursor returned by this endpoint.");
        await FindVisibleAsync(batch_id, caller, grains);
        return TypedResults.Ok(await grains.GetGrain<ISettlementBatchGrain>(batch_id).Lines(cursor, pageSize));
    }

    private static async Task<SettlementBatchView> FindVisibleAsync(string batchId, Caller caller, IGrainFactory grains)
    {
        Require.Id(batchId, "batch_id");
        var batch = await grains.GetGrain<ISettlementBatchGrain>(batchId).Find();
        return batch is not null && (caller.IsAdmin || batch.IsParty(caller.OrganizationId!))
            ? batch
            : throw DomainException.NotFound(ErrorCodes.SettlementNotFound, $"No settlement batch with id '{batchId}' is visible to you.");
    }

    public sealed record CloseBatchRequest(string? MoId, string? PublisherId, string? Currency);
}
