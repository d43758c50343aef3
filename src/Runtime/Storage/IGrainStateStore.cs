using Moneta.GrainModel;
using Moneta.Runtime.Messaging;

namespace Moneta.Runtime.Storage;

/// <summary>A grain's stored item: its serialized state and the ETag a writer must present to replace it.</summary>
public sealed record GrainRecord(byte[] Data, string ETag);

/// <summary>
/// Grain storage, shaped for a key-value store with conditional writes: one item per grain, written only if the
/// caller's ETag still matches, with the grain's secondary-index entries and its outbox messages in the same atomic
/// write (a DynamoDB provider maps this to one TransactWriteItems). The outbox is also a queue: relays claim due
/// messages under a lease, and a target's events are handed out in the order they were written, each once the one
/// before it is done (or several together, as one run).
/// </summary>
public interface IGrainStateStore
{
    Task<GrainRecord?> ReadAsync(GrainKey id, CancellationToken cancellationToken = default);

    /// <summary>
    /// The error means the store is unreachable or overloaded right now (a lock held too long, a full disk,
    /// throttling): <see cref="MonetaGrainStorage"/> reports it as <see cref="GrainStorageUnavailableException"/>, a retryable 503.
    /// </summary>
    bool IsUnavailable(Exception error) => false;

    /// <summary>
    /// Stores the state and its outbox <paramref name="messages"/> if the stored ETag equals
    /// <paramref name="expectedETag"/> (null: no item yet); returns the new ETag. With <paramref name="expiresAt"/>,
    /// the store may delete the item after that time (<see cref="IExpiringState"/>).
    /// </summary>
    /// <exception cref="Orleans.Storage.InconsistentStateException">Another writer got there first; nothing was written.</exception>
    Task<string> WriteAsync(GrainKey id, byte[] data, IReadOnlyList<IndexEntry> indexes, string? expectedETag, IReadOnlyList<OutboxMessage>? messages = null, DateTimeOffset? expiresAt = null, CancellationToken cancellationToken = default);

    /// <exception cref="Orleans.Storage.InconsistentStateException">Another writer got there first; nothing was deleted.</exception>
    Task ClearAsync(GrainKey id, string? expectedETag, CancellationToken cancellationToken = default);

    /// <summary>Grain keys under one index key, in (sort key, grain key) order, after the cursor.</summary>
    /// <exception cref="FormatException">The cursor was not issued by <see cref="IndexCursor"/>.</exception>
    Task<IndexPage> QueryAsync(string grainType, string indexName, string key, string? cursor, int limit, CancellationToken cancellationToken = default);

    /// <summary>
    /// Leases up to <paramref name="limit"/> messages that are due and not leased by anyone else. An event is only
    /// handed out when no earlier event for the same target is still waiting or in flight; reminders are independent.
    /// The claims are recorded as <paramref name="owner"/>'s (a silo's address), so that they can be released at once
    /// if that silo dies (<see cref="ReleaseClaimsAsync"/>).
    /// With <paramref name="maxRun"/> (by target grain type), a target whose first event is claimed also has the events
    /// right behind it claimed, under the same claim, up to that many in all: a run, returned in order, one after the
    /// other, and counted as one of the <paramref name="limit"/>.
    /// </summary>
    Task<IReadOnlyList<ClaimedMessage>> ClaimDueMessagesAsync(DateTimeOffset now, TimeSpan lease, int limit, string? owner = null, Func<string, int>? maxRun = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Makes the messages <paramref name="owner"/> holds leases on due at <paramref name="now"/>, its claims void: the
    /// owner is a silo the cluster has declared dead, so nobody will complete them, and waiting for the leases to run
    /// out would only hold its targets' later events back. Returns how many were released. Only leases running at most
    /// <paramref name="lease"/> past <paramref name="now"/> are looked for (a claim never holds a message longer).
    /// </summary>
    Task<int> ReleaseClaimsAsync(string owner, DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken = default);

    /// <summary>Deletes a delivered message, unless the claim is no longer current (then it stays for its new owner).</summary>
    Task CompleteMessageAsync(ClaimedMessage message, CancellationToken cancellationToken = default);

    /// <summary>Deletes the delivered messages of one run, each unless the claim is no longer current; a store may do it in one request.</summary>
    Task CompleteMessagesAsync(IReadOnlyList<ClaimedMessage> messages, CancellationToken cancellationToken = default) =>
        Task.WhenAll(messages.Select(message => CompleteMessageAsync(message, cancellationToken)));

    /// <summary>Releases a message whose delivery failed, due again at <paramref name="dueAt"/>, if the claim is still current.</summary>
    Task RetryMessageAsync(ClaimedMessage message, DateTimeOffset dueAt, CancellationToken cancellationToken = default);
}
