using Moneta.GrainModel;
using Moneta.Idempotency;

namespace Moneta.Grains.Idempotency;

/// <summary>
/// Stripe's semantics for one caller's key: the same request again within 24 hours gets the first answer, another
/// request under the key is refused, and a request still running blocks its duplicates. The record removes itself
/// after 24 hours by a durable reminder.
/// </summary>
[GrainType("idempotencykey")]
[CollectionAgeLimit(Minutes = GrainLifetimes.TransientMinutes)]
public sealed class IdempotencyKeyGrain([OutboxState] IOutboxState<IdempotencyKeyState> state, TimeProvider clock) : Grain, IIdempotencyKeyGrain
{
    public static readonly TimeSpan Retention = TimeSpan.FromHours(24);

    /// <summary>
    /// Longer than any request runs (a grain call times out after 30 s): a claim older than this belongs to a request
    /// whose silo died, and a retry may take the key over.
    /// </summary>
    public static readonly TimeSpan InFlightLease = TimeSpan.FromMinutes(1);

    private const string ForgetReminder = "forget";

    private IdempotencyKeyState Key => state.State;

    public async Task<IdempotencyClaim> Begin(string fingerprint)
    {
        var now = clock.GetUtcNow();
        if (state.RecordExists && now < Key.FirstUsedAt + Retention)
        {
            if (Key.Fingerprint != fingerprint) return new IdempotencyClaim(IdempotencyOutcome.Mismatch, null, Key.ReservedId, null);
            if (Key.Response is { } answered) return new IdempotencyClaim(IdempotencyOutcome.Replay, null, Key.ReservedId, answered);
            if (Key.ClaimToken is not null && now < Key.ClaimedAt + InFlightLease)
                return new IdempotencyClaim(IdempotencyOutcome.InProgress, null, Key.ReservedId, null);
            return await ClaimAsync(Key, now);
        }

        var fresh = new IdempotencyKeyState { Fingerprint = fingerprint, ReservedId = Guid.NewGuid().ToString(), FirstUsedAt = now };
        state.Outbox.RemindAt(ForgetReminder, now + Retention);
        return await ClaimAsync(fresh, now);
    }

    public async Task Complete(string claimToken, StoredResponse response)
    {
        if (!state.RecordExists || Key.ClaimToken != claimToken) return;
        state.State = Key with { ClaimToken = null, Response = response };
        await state.WriteStateAsync();
    }

    public async Task Release(string claimToken)
    {
        if (!state.RecordExists || Key.ClaimToken != claimToken) return;
        state.State = Key with { ClaimToken = null };
        await state.WriteStateAsync();
    }

    public async Task ReceiveReminder(string name)
    {
        if (!state.RecordExists) return;
        if (clock.GetUtcNow() >= Key.FirstUsedAt + Retention)
        {
            await state.ClearStateAsync();
            return;
        }

        // Fired early by a silo whose clock runs behind: ask again for the end of the retention.
        state.Outbox.RemindAt(ForgetReminder, Key.FirstUsedAt + Retention);
        await state.WriteStateAsync();
    }

    private async Task<IdempotencyClaim> ClaimAsync(IdempotencyKeyState key, DateTimeOffset now)
    {
        var token = Guid.NewGuid().ToString("N");
        state.State = key with { ClaimToken = token, ClaimedAt = now };
        await state.WriteStateAsync();
        return new IdempotencyClaim(IdempotencyOutcome.Proceed, token, key.ReservedId, null);
    }
}
