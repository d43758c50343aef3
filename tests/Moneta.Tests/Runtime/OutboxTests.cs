using Microsoft.Extensions.Logging.Abstractions;
using Moneta.Runtime.Messaging;
using Moneta.Runtime.Storage;
using Moneta.Tests.Support;
using Orleans.Storage;

namespace Moneta.Tests.Runtime;

/// <summary>The outbox: messages committed with state, claimed under leases, a target's events in commit order.</summary>
public sealed class OutboxTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 11, 21, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);

    private readonly TempDirectory _directory = new();

    public static TheoryData<string> Providers => ["memory", "sqlite", "dynamodb"];

    /// <summary>Providers several silos (or a restarted one) can share.</summary>
    public static TheoryData<string> DurableProviders => ["sqlite", "dynamodb"];

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_message_exists_only_if_the_write_that_carries_it_succeeds(string provider)
    {
        var storage = Create(provider);
        var id = new GrainKey("journal", "a");
        var etag = await storage.WriteAsync(id, [1], [], null, [Event("b", "e1")]);

        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteAsync(id, [2], [], expectedETag: null, [Event("b", "e2")]));
        await storage.WriteAsync(id, [3], [], etag);

        var claimed = await storage.ClaimDueMessagesAsync(Now, Lease, 10);
        Assert.Equal(["e1"], claimed.Select(m => m.Name));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_targets_events_are_handed_out_one_at_a_time_in_commit_order(string provider)
    {
        var storage = Create(provider);
        await storage.WriteAsync(new GrainKey("journal", "a"), [1], [], null, [Event("b", "first"), Event("c", "other")]);
        await storage.WriteAsync(new GrainKey("journal", "z"), [1], [], null, [Event("b", "second")]);

        var claimed = await storage.ClaimDueMessagesAsync(Now, Lease, 10);
        Assert.Equal(["first", "other"], claimed.Select(m => m.Name).Order());
        Assert.Empty(await storage.ClaimDueMessagesAsync(Now, Lease, 10));

        await storage.CompleteMessageAsync(claimed.Single(m => m.Name == "first"));
        Assert.Equal(["second"], (await storage.ClaimDueMessagesAsync(Now, Lease, 10)).Select(m => m.Name));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_target_that_takes_runs_is_claimed_its_first_event_and_those_right_behind_it_together_in_order(string provider)
    {
        var storage = Create(provider);
        await storage.WriteAsync(new GrainKey("journal", "a"), [1], [], null, [Event("b", "b1"), Event("b", "b2"), Event("c", "c1")]);
        await storage.WriteAsync(new GrainKey("journal", "z"), [1], [], null, [Event("b", "b3"), Event("b", "b4"), Event("b", "b5")]);

        var claimed = await storage.ClaimDueMessagesAsync(Now, Lease, 10, maxRun: _ => 3);
        Assert.Equal(["b1", "b2", "b3"], claimed.Where(m => m.Target.Key == "b").Select(m => m.Name));
        Assert.Equal(["c1"], claimed.Where(m => m.Target.Key == "c").Select(m => m.Name));
        var run = claimed.SkipWhile(m => m.Target.Key != "b").Take(3);
        Assert.All(run, m => Assert.Equal("b", m.Target.Key)); // one after the other, as the relay hands them over
        Assert.Empty(await storage.ClaimDueMessagesAsync(Now, Lease, 10, maxRun: _ => 3));

        await storage.CompleteMessagesAsync([.. claimed.Where(m => m.Target.Key == "b")]);
        Assert.Equal(["b4", "b5"], (await storage.ClaimDueMessagesAsync(Now, Lease, 10, maxRun: _ => 3)).Select(m => m.Name));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Completing_a_run_whose_lease_ran_out_deletes_none_of_what_another_claim_now_holds(string provider)
    {
        var storage = Create(provider);
        await storage.WriteAsync(new GrainKey("journal", "a"), [1], [], null, [Event("b", "b1"), Event("b", "b2"), Event("b", "b3")]);
        var late = await storage.ClaimDueMessagesAsync(Now, Lease, 10, maxRun: _ => 3);
        var current = await storage.ClaimDueMessagesAsync(Now + Lease, Lease, 10, maxRun: _ => 3);
        Assert.Equal(["b1", "b2", "b3"], current.Select(m => m.Name));

        await storage.CompleteMessagesAsync(late);
        await storage.CompleteMessagesAsync([current[0]]);

        Assert.Equal(["b2", "b3"], (await storage.ClaimDueMessagesAsync(Now + (3 * Lease), Lease, 10, maxRun: _ => 3)).Select(m => m.Name));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_run_counts_as_one_claim_and_a_failed_run_is_due_again_whole(string provider)
    {
        var storage = Create(provider);
        await storage.WriteAsync(new GrainKey("journal", "a"), [1], [], null, [Event("b", "b1"), Event("b", "b2"), Event("c", "c1")]);

        var run = await storage.ClaimDueMessagesAsync(Now, Lease, 1, maxRun: _ => 10);
        Assert.Equal(["b1", "b2"], run.Select(m => m.Name));
        foreach (var message in run)
            await storage.RetryMessageAsync(message, Now.AddSeconds(5));
        Assert.Equal(["c1"], (await storage.ClaimDueMessagesAsync(Now.AddSeconds(1), Lease, 10, maxRun: _ => 10)).Select(m => m.Name));

        var again = await storage.ClaimDueMessagesAsync(Now.AddSeconds(5), Lease, 10, maxRun: _ => 10);
        Assert.Equal([("b1", 1), ("b2", 1)], again.Select(m => (m.Name, m.Attempts)));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_failed_event_holds_back_the_later_events_of_its_target_until_it_is_delivered(string provider)
    {
        var storage = Create(provider);
        await storage.WriteAsync(new GrainKey("journal", "a"), [1], [], null, [Event("b", "first"), Event("b", "second")]);

        var first = Assert.Single(await storage.ClaimDueMessagesAsync(Now, Lease, 10));
        await storage.RetryMessageAsync(first, Now.AddSeconds(5));
        Assert.Empty(await storage.ClaimDueMessagesAsync(Now.AddSeconds(1), Lease, 10));

        var retried = Assert.Single(await storage.ClaimDueMessagesAsync(Now.AddSeconds(5), Lease, 10));
        Assert.Equal(("first", 1), (retried.Name, retried.Attempts));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_message_leased_by_a_silo_that_died_is_claimed_again_when_the_lease_runs_out(string provider)
    {
        var storage = Create(provider);
        await storage.WriteAsync(new GrainKey("journal", "a"), [1], [], null, [Event("b", "e1")]);

        var dead = Assert.Single(await storage.ClaimDueMessagesAsync(Now, Lease, 10));
        Assert.Empty(await storage.ClaimDueMessagesAsync(Now + Lease - TimeSpan.FromSeconds(1), Lease, 10));
        var takenOver = Assert.Single(await storage.ClaimDueMessagesAsync(Now + Lease, Lease, 10));

        // The first claim is stale: completing it must not delete what the new owner holds.
        await storage.CompleteMessageAsync(dead);
        Assert.Single(await storage.ClaimDueMessagesAsync(Now + (3 * Lease), Lease, 10));
        Assert.Equal(dead.Name, takenOver.Name);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task The_claims_of_a_silo_declared_dead_are_due_again_at_once_and_no_one_elses(string provider)
    {
        const string deadSilo = "10.0.0.1:11111@1", liveSilo = "10.0.0.2:11111@1";
        var storage = Create(provider);
        await storage.WriteAsync(new GrainKey("journal", "a"), [1], [], null, [Event("b", "e1"), Event("c", "e2"), Event("d", "e3")]);
        var dead = await storage.ClaimDueMessagesAsync(Now, Lease, 2, deadSilo);
        var live = Assert.Single(await storage.ClaimDueMessagesAsync(Now, Lease, 10, liveSilo));
        Assert.Empty(await storage.ClaimDueMessagesAsync(Now.AddSeconds(1), Lease, 10, liveSilo));

        // DynamoDB finds claims through its due index, which is eventually consistent: the release is repeated, as a
        // second silo seeing the same declaration would, until both claims are found.
        var released = 0;
        await Eventually.TrueAsync(async () => (released += await storage.ReleaseClaimsAsync(deadSilo, Now.AddSeconds(1), Lease)) == 2, because: "the dead silo's two claims are released");
        Assert.Equal(0, await storage.ReleaseClaimsAsync(deadSilo, Now.AddSeconds(1), Lease));

        var takenOver = await storage.ClaimDueMessagesAsync(Now.AddSeconds(1), Lease, 10, liveSilo);
        Assert.Equal(dead.Select(m => m.Name).Order(), takenOver.Select(m => m.Name).Order());
        Assert.DoesNotContain(live.Name, takenOver.Select(m => m.Name));
        await storage.CompleteMessageAsync(dead[0]); // the dead silo's claim is void: it deletes nothing
        await storage.CompleteMessageAsync(takenOver.Single(m => m.Name == dead[0].Name));
        var later = await storage.ClaimDueMessagesAsync(Now + (3 * Lease), Lease, 10, liveSilo);
        Assert.DoesNotContain(dead[0].Name, later.Select(m => m.Name));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task The_same_event_stored_twice_is_stored_once(string provider)
    {
        var storage = Create(provider);
        await storage.WriteAsync(new GrainKey("journal", "a"), [1], [], null, [Event("b", "e1")]);
        await storage.WriteAsync(new GrainKey("journal", "a2"), [1], [], null, [Event("b", "e1")]);

        Assert.Single(await storage.ClaimDueMessagesAsync(Now, Lease, 10));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_reminder_set_again_while_it_fires_is_kept_and_a_cancelled_one_is_gone(string provider)
    {
        var storage = Create(provider);
        var id = new GrainKey("journal", "a");
        var etag = await storage.WriteAsync(id, [1], [], null, [Reminder(id, "wake", Now)]);
        Assert.Empty(await storage.ClaimDueMessagesAsync(Now.AddSeconds(-1), Lease, 10));

        var firing = Assert.Single(await storage.ClaimDueMessagesAsync(Now, Lease, 10));
        etag = await storage.WriteAsync(id, [2], [], etag, [Reminder(id, "wake", Now.AddMinutes(1))]);
        await storage.CompleteMessageAsync(firing);
        Assert.Empty(await storage.ClaimDueMessagesAsync(Now.AddSeconds(59), Lease, 10));
        Assert.Equal("wake", Assert.Single(await storage.ClaimDueMessagesAsync(Now.AddMinutes(1), Lease, 10)).Name);

        await storage.WriteAsync(id, [3], [], etag, [new OutboxMessage(id, "wake", OutboxMessageKind.ReminderCancellation, null, Now)]);
        Assert.Empty(await storage.ClaimDueMessagesAsync(Now.AddDays(1), Lease, 10));
    }

    [Fact]
    public async Task A_turn_that_fails_after_asking_to_send_sends_nothing()
    {
        var store = new InMemoryStateStore();
        await using var cluster = await RuntimeCluster.StartAsync(store);
        var sender = cluster.Client.GetGrain<IJournalGrain>("a");

        await Assert.ThrowsAsync<InvalidOperationException>(() => sender.Send("b", "lost", failBeforeWriting: true));
        await sender.Send("b", "kept");

        await Eventually.TrueAsync(async () => (await cluster.Client.GetGrain<IJournalGrain>("b").Received()).Count == 1, because: "the committed event arrives");
        Assert.Equal(["kept"], await cluster.Client.GetGrain<IJournalGrain>("b").Received());
    }

    [Theory]
    [MemberData(nameof(DurableProviders))]
    public async Task Relays_claiming_at_the_same_moment_never_share_a_message(string provider)
    {
        var open = SharedStore(provider);
        var writer = open();
        var names = Enumerable.Range(0, 40).Select(i => $"e{i:D2}").ToList();
        // Every event to its own target, so all are claimable at once and only the lease decides who gets each.
        await writer.WriteAsync(new GrainKey("journal", "source"), [1], [], null, [.. names.Select(n => Event($"target-{n}", n))]);

        var relays = Enumerable.Range(0, 4).Select(_ => open()).ToList();
        for (var round = 0; round < 3; round++)
        {
            var claims = await Task.WhenAll(relays.Select(r => r.ClaimDueMessagesAsync(Now.AddMinutes(round), Lease, names.Count)));
            var claimed = claims.SelectMany(c => c).Select(m => m.Name).ToList();
            Assert.Equal(claimed.Count, claimed.Distinct().Count());
            if (round == 0) Assert.NotEmpty(claimed);
        }

        foreach (var storage in relays.Append(writer))
            await DisposeAsync(storage);
    }

    [Theory]
    [MemberData(nameof(DurableProviders))]
    public async Task Two_silos_relaying_from_one_store_deliver_every_event_once_in_order(string provider)
    {
        var open = SharedStore(provider);
        var store = open();
        await using (var cluster = await RuntimeCluster.StartAsync(store, silos: 2))
        {
            var sent = Enumerable.Range(0, 40).Select(i => $"event-{i:D2}").ToList();
            foreach (var eventId in sent)
                await cluster.Client.GetGrain<IJournalGrain>("producer").Send("consumer", eventId);

            var consumer = cluster.Client.GetGrain<IJournalGrain>("consumer");
            await Eventually.TrueAsync(async () => (await consumer.Received()).Count == sent.Count, because: "every event arrives");
            Assert.Equal(sent, await consumer.Received());
            await Eventually.TrueAsync(async () => await PendingAsync(open) == 0, because: "delivered messages leave the outbox");
        }

        await DisposeAsync(store);
    }

    [Theory]
    [MemberData(nameof(DurableProviders))]
    public async Task Events_queued_for_a_grain_that_takes_runs_arrive_in_one_call_in_order(string provider)
    {
        var store = SharedStore(provider)();
        await using (var cluster = await RuntimeCluster.StartAsync(store))
        {
            var sent = Enumerable.Range(0, 40).Select(i => $"event-{i:D2}").ToList();
            await cluster.Client.GetGrain<IJournalGrain>("producer").SendRun("ledger", sent);

            var ledger = cluster.Client.GetGrain<IRunJournalGrain>("ledger");
            await Eventually.TrueAsync(async () => (await ledger.Received()).Count == sent.Count, because: "every event arrives");
            Assert.Equal(sent, await ledger.Received());
            Assert.Equal(1, await ledger.Calls()); // committed together, so claimed and handed over together
        }

        await DisposeAsync(store);
    }

    [Theory]
    [MemberData(nameof(DurableProviders))]
    public async Task A_run_whose_call_fails_is_delivered_again_whole_and_each_event_counts_once(string provider)
    {
        var store = SharedStore(provider)();
        await using (var cluster = await RuntimeCluster.StartAsync(store))
        {
            var ledger = cluster.Client.GetGrain<IRunJournalGrain>("ledger");
            await ledger.FailNextRunAfterTaking(5);
            var sent = Enumerable.Range(0, 12).Select(i => $"event-{i:D2}").ToList();
            await cluster.Client.GetGrain<IJournalGrain>("producer").SendRun("ledger", sent);

            await Eventually.TrueAsync(async () => (await ledger.Received()).Count == sent.Count, because: "the run is retried");
            Assert.Equal(sent, await ledger.Received());
            Assert.Equal(2, await ledger.Calls());
        }

        await DisposeAsync(store);
    }

    [Theory]
    [MemberData(nameof(DurableProviders))]
    public async Task A_reminder_survives_a_restart_and_fires_once(string provider)
    {
        var open = SharedStore(provider);
        var before = open();
        await using (var stopped = await RuntimeCluster.StartAsync(before))
        {
            // Due after this cluster has stopped: the reminder lives in the store, not in the silo.
            await stopped.Client.GetGrain<IJournalGrain>("sleeper").RemindMeAt(DateTimeOffset.UtcNow.AddSeconds(4));
        }

        await DisposeAsync(before);
        var after = open();
        await using (var restarted = await RuntimeCluster.StartAsync(after))
        {
            var sleeper = restarted.Client.GetGrain<IJournalGrain>("sleeper");
            await Eventually.TrueAsync(async () => await sleeper.RemindersReceived() == 1, because: "the reminder fires after the restart");
            await Eventually.TrueAsync(async () => await PendingAsync(open) == 0, because: "a fired reminder is gone");
            Assert.Equal(1, await sleeper.RemindersReceived());
        }

        await DisposeAsync(after);
    }

    public void Dispose() => _directory.Dispose();

    private static SqliteStateStore Open(string path) =>
        new(new SqliteStorageOptions { Path = path }, NullLogger<SqliteStateStore>.Instance);

    private IGrainStateStore Create(string provider) => provider switch
    {
        "memory" => new InMemoryStateStore(),
        "dynamodb" => DynamoDbLocal.CreateStorage(),
        _ => Open(Path.Combine(_directory.Path, $"{Guid.NewGuid():N}.db")),
    };

    /// <summary>Opens the same store again each time it is called, as another silo (or the same one restarted) would.</summary>
    private Func<IGrainStateStore> SharedStore(string provider)
    {
        if (provider == "dynamodb")
        {
            var prefix = DynamoDbLocal.NewTablePrefix();
            return () => DynamoDbLocal.CreateStorage(prefix);
        }

        var path = Path.Combine(_directory.Path, $"{Guid.NewGuid():N}.db");
        return () => Open(path);
    }

    /// <summary>How many messages are still stored, due now or later, seen from a fresh connection to the store.</summary>
    private static async Task<int> PendingAsync(Func<IGrainStateStore> open)
    {
        var observer = open();
        try
        {
            return (await observer.ClaimDueMessagesAsync(DateTimeOffset.UtcNow.AddHours(1), Lease, 10)).Count;
        }
        finally
        {
            await DisposeAsync(observer);
        }
    }

    private static async ValueTask DisposeAsync(IGrainStateStore storage)
    {
        if (storage is IAsyncDisposable asynchronous) await asynchronous.DisposeAsync();
        else (storage as IDisposable)?.Dispose();
    }

    private static OutboxMessage Event(string target, string eventId) =>
        new(new GrainKey("journal", target), eventId, OutboxMessageKind.Event, [123, 125], Now);

    private static OutboxMessage Reminder(GrainKey owner, string name, DateTimeOffset dueAt) =>
        new(owner, name, OutboxMessageKind.Reminder, null, dueAt);
}
