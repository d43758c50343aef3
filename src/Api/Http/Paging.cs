namespace Moneta.Api.Http;

/// <summary>Cursor pagination over a storage index, the same for every list endpoint.</summary>
public static class Paging
{
    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 200;

    public static async Task<IndexPage> QueryAsync<TGrainInterface>(IGrainIndex index, string indexName, string key, string? cursor, int? limit)
        where TGrainInterface : IGrainWithStringKey
    {
        var pageSize = limit ?? DefaultPageSize;
        if (pageSize is < 1 or > MaxPageSize)
            throw DomainException.Invalid(ErrorCodes.InvalidField, $"'limit' must be between 1 and {MaxPageSize}.");
        if (cursor is { Length: > 1024 })
            throw InvalidCursor();
        try
        {
            return await index.QueryAsync<TGrainInterface>(indexName, key, cursor, pageSize);
        }
        catch (FormatException)
        {
            throw InvalidCursor();
        }
    }

    private static DomainException InvalidCursor() => DomainException.Invalid(ErrorCodes.InvalidCursor, "'cursor' must be a next_cursor returned by this endpoint.");
}

/// <summary>One page of a list: the items, and the cursor of the next page (null at the end).</summary>
public sealed record Page<T>(IReadOnlyList<T> Items, string? NextCursor);
