using System.Buffers.Text;
using System.Globalization;
using System.Text.Json;
using Moneta.Contracts;
using Moneta.MPasses;
using Moneta.Organizations;

namespace Moneta.Api.Endpoints;

/// <summary>The query of <c>GET /api/v1/contracts</c>, as sent.</summary>
public sealed record ContractFilter(string? MoId, string? PublisherId, string? MpassId, string? Status, DateTimeOffset? CreatedAfter, DateTimeOffset? CreatedBefore);

/// <summary>
/// Lists contracts, oldest first, through an index that holds only what the caller may see: the administrator reads
/// the global indexes; a partner only indexes of its own contracts (by its own mo_id or publisher_id, by status
/// within its role, by an mPass it issued or has contracts on), so neither the items nor the cursor can reveal
/// another's. A party and a status together read the party's status index. From a time on (<c>created_after</c>)
/// the list walks month buckets from that month, so it does not read the party's whole history first.
/// </summary>
public static class ContractListing
{
    /// <summary>Month buckets one request may walk through before it answers with a cursor to go on from.</summary>
    private const int MaxMonthsPerPage = 36;

    private const string MonthCursorPrefix = "m.";

    public static async Task<ContractsApi.ContractPage> ListAsync(
        ContractFilter filter, string? cursor, int? limit, Caller caller, IGrainFactory grains, IGrainIndex index, TimeProvider clock)
    {
        var parties = new[] { ("mo_id", filter.MoId), ("publisher_id", filter.PublisherId), ("mpass_id", filter.MpassId) }.Where(f => f.Item2 is not null).ToList();
        if (parties.Count > 1)
            throw DomainException.Invalid(ErrorCodes.InvalidRequest, "Filter by at most one of mo_id, publisher_id and mpass_id.");
        if (parties.Count == 0 && filter.Status is null)
            throw DomainException.Invalid(ErrorCodes.InvalidRequest, "Filter by mo_id, publisher_id or mpass_id, by status, or by a party and a status together.");
        var status = filter.Status is null ? null : Require.OneOf(filter.Status, "status", [.. ContractStatuses.All]);
        if (filter.CreatedAfter >= filter.CreatedBefore)
            throw DomainException.Invalid(ErrorCodes.InvalidField, "'created_after' must be earlier than 'created_before'.");

        if (filter.MpassId is not null)
        {
            if (status is not null || filter.CreatedAfter is not null || filter.CreatedBefore is not null)
                throw DomainException.Invalid(ErrorCodes.InvalidRequest, "mpass_id is not combined with other filters; filter by your mo_id or publisher_id to add a status or a time range.");
            var mpass = await MPassIndexAsync(Require.Id(filter.MpassId, "mpass_id"), caller, grains);
            return mpass is null ? new([], null) : await PlainPageAsync(mpass.Value, filter, cursor, limit, caller, grains, index);
        }

        var party = Party(filter, caller);
        if (filter.CreatedAfter is { } after)
            return await MonthsPageAsync(party, status, after, filter.CreatedBefore, cursor, limit, caller, grains, index, clock);

        (string, string) plain = (party, status) switch
        {
            ({ } p, { } s) => ($"{p.Kind}_status", $"{p.Id}/{s}"),
            ({ } p, null) => ($"{p.Kind}_id", p.Id),
            (null, { } s) => ("status", s),
            _ => throw new InvalidOperationException("a filter is always present here"),
        };
        return await PlainPageAsync(plain, filter, cursor, limit, caller, grains, index);
    }

    /// <summary>Whose contracts: the party named, or for a partner listing by status only, itself in its own role.</summary>
    private static (string Kind, string Id)? Party(ContractFilter filter, Caller caller)
    {
        (string Kind, string Id)? named = filter.MoId is not null ? (OrganizationKinds.Mo, Require.Id(filter.MoId, "mo_id"))
            : filter.PublisherId is not null ? (OrganizationKinds.Publisher, Require.Id(filter.PublisherId, "publisher_id"))
            : null;
        if (caller.IsAdmin) return named;
        if (named is { } party && party.Id != caller.PartyId)
            throw DomainException.Forbidden(ErrorCodes.Forbidden, $"You may list contracts by your own {party.Kind}_id only.");
        return named ?? (caller.OrganizationKind == OrganizationKinds.Mo ? OrganizationKinds.Mo : OrganizationKinds.Publisher, caller.PartyId);
    }

    /// <summary>The index of one mPass's contracts the caller may read, or null when it has none (an mPass another MO issued).</summary>
    private static async Task<(string Index, string Key)?> MPassIndexAsync(string mpassId, Caller caller, IGrainFactory grains)
    {
        if (caller.IsAdmin) return ("mpass_id", mpassId);
        if (caller.OrganizationKind != OrganizationKinds.Mo) return ("publisher_mpass", $"{caller.PartyId}/{mpassId}");
        // A contract's mPass is always issued by its MO: the issuer's contracts are all the mPass has.
        var mpass = await grains.GetGrain<IMPassGrain>(mpassId).Find();
        return mpass?.MoId == caller.PartyId ? ("mpass_id", mpassId) : null;
    }

    /// <summary>One page of a plain index; with created_before, the list ends at the first contract created at or after it.</summary>
    private static async Task<ContractsApi.ContractPage> PlainPageAsync(
        (string Index, string Key) target, ContractFilter filter, string? cursor, int? limit, Caller caller, IGrainFactory grains, IGrainIndex index)
    {
        var page = await Paging.QueryAsync<IContractGrain>(index, target.Index, target.Key, cursor, limit);
        var contracts = await LoadVisibleAsync(page.Keys, caller, grains);
        if (filter.CreatedBefore is { } before && contracts.FindIndex(c => c.CreatedAt >= before) is var end and >= 0)
            return new(contracts[..end], null);
        return new(contracts, page.NextCursor);
    }

    /// <summary>
    /// Walks the month buckets from the cursor's month (or created_after's) to created_before's (or now's), keeping
    /// what falls in the range and has the status. A page may hold fewer than <c>limit</c> items; the list ends when
    /// <c>next_cursor</c> is null.
    /// </summary>
    private static async Task<ContractsApi.ContractPage> MonthsPageAsync(
        (string Kind, string Id)? party, string? status, DateTimeOffset after, DateTimeOffset? before, string? cursor, int? limit,
        Caller caller, IGrainFactory grains, IGrainIndex index, TimeProvider clock)
    {
        var pageSize = limit ?? Paging.DefaultPageSize;
        var (month, inner) = cursor is null ? (FirstDayOfMonth(after), null) : DecodeMonthCursor(cursor);
        var lastMonth = FirstDayOfMonth(before ?? clock.GetUtcNow());
        var items = new List<ContractView>();
        for (var walked = 0; walked < MaxMonthsPerPage; walked++)
        {
            if (month > lastMonth) return new(items, null);
            var key = MonthKey(month);
            var page = await Paging.QueryAsync<IContractGrain>(index, party is { } p ? $"{p.Kind}_month" : "month", party is { } q ? $"{q.Id}/{key}" : key, inner, pageSize - items.Count);
            foreach (var contract in await LoadVisibleAsync(page.Keys, caller, grains))
            {
                if (contract.CreatedAt >= before) return new(items, null);
                if (contract.CreatedAt >= after && (status is null || contract.Status == status)) items.Add(contract);
            }

            (month, inner) = page.NextCursor is null ? (month.AddMonths(1), null) : (month, page.NextCursor);
            if (items.Count >= pageSize) break;
        }

        return new(items, month > lastMonth ? null : EncodeMonthCursor(month, inner));
    }

    private static async Task<List<ContractView>> LoadVisibleAsync(IReadOnlyList<string> ids, Caller caller, IGrainFactory grains)
    {
        var contracts = await Task.WhenAll(ids.Select(id => grains.GetGrain<IContractGrain>(id).Find()));
        return [.. contracts.OfType<ContractView>().Where(c => caller.IsAdmin || c.IsParty(caller.OrganizationId!))];
    }

    private static DateTime FirstDayOfMonth(DateTimeOffset at) => new(at.UtcDateTime.Year, at.UtcDateTime.Month, 1, 0, 0, 0, DateTimeKind.Utc);

    private static string MonthKey(DateTime month) => month.ToString("yyyy-MM", CultureInfo.InvariantCulture);

    private static string EncodeMonthCursor(DateTime month, string? inner) =>
        MonthCursorPrefix + Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(new[] { MonthKey(month), inner }));

    private static (DateTime Month, string? Inner) DecodeMonthCursor(string cursor)
    {
        try
        {
            if (cursor.Length <= 1024 && cursor.StartsWith(MonthCursorPrefix, StringComparison.Ordinal)
                && JsonSerializer.Deserialize<string?[]>(Base64Url.DecodeFromChars(cursor.AsSpan(MonthCursorPrefix.Length))) is [{ } month, var inner]
                && DateTime.TryParseExact(month, "yyyy-MM", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var parsed))
            {
                return (DateTime.SpecifyKind(parsed, DateTimeKind.Utc), inner);
            }
        }
        catch (Exception e) when (e is JsonException or FormatException)
        {
        }

        throw DomainException.Invalid(ErrorCodes.InvalidCursor, "'cursor' must be a next_cursor returned by this endpoint for the same filters.");
    }
}
