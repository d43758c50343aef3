using System.Reflection;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Microsoft.Extensions.Logging.Abstractions;
using Moneta.GrainModel;
using Moneta.Runtime.Storage;
using Moneta.Tests.Support;
using Orleans.Storage;

namespace Moneta.Tests.Runtime;

/// <summary>
/// The AWS SDK retries a request whose answer was lost (a timeout, a dropped connection) although DynamoDB may have
/// applied it. The retry of an ETag-conditioned write then meets its own result: it must not be reported as a
/// conflict (the caller would restore a state that is no longer the stored one), nor applied twice.
/// </summary>
public sealed class DynamoDbLostAnswerTests
{
    [Fact]
    public async Task A_conditional_write_sent_again_after_a_lost_answer_is_acknowledged_once()
    {
        var prefix = DynamoDbLocal.NewTablePrefix();
        using var plain = DynamoDbLocal.CreateStorage(prefix);
        var client = LostAnswers.Wrap(DynamoDbStateStore.CreateClient(DynamoDbLocal.Options(prefix)));
        using var storage = new DynamoDbStateStore(client, DynamoDbLocal.Options(prefix), NullLogger<DynamoDbStateStore>.Instance);
        var id = new GrainKey("thing", "twice");

        // A lone put (no index change, no messages): the repeat finds the item already carrying its new ETag.
        var first = await storage.WriteAsync(id, [1], [], expectedETag: null);
        // A transaction (an index entry and an event): the repeat carries the same ClientRequestToken.
        var second = await storage.WriteAsync(id, [2], [new IndexEntry("all", "x", "1")], first,
            [new(new GrainKey("thing", "inbox"), "event-1", Moneta.Runtime.Messaging.OutboxMessageKind.Event, [1], DateTimeOffset.UtcNow)]);

        Assert.Equal(2, ((LostAnswers)(object)client).Repeated);
        var stored = await plain.ReadAsync(id);
        Assert.Equal(second, stored!.ETag);
        Assert.Equal(new byte[] { 2 }, stored.Data);
        Assert.Equal(["twice"], (await plain.QueryAsync("thing", "all", "x", null, 10)).Keys);
        var claimed = Assert.Single(await plain.ClaimDueMessagesAsync(DateTimeOffset.UtcNow.AddSeconds(1), TimeSpan.FromSeconds(30), 10));
        Assert.Equal("event-1", claimed.Name);

        // A genuine conflict is still one.
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteAsync(id, [3], [], first));
    }

    /// <summary>Sends every conditional write twice, answering with the second answer, as a retry after a lost answer does.</summary>
    public class LostAnswers : DispatchProxy
    {
        private IAmazonDynamoDB _inner = null!;

        public int Repeated { get; private set; }

        public static IAmazonDynamoDB Wrap(IAmazonDynamoDB inner)
        {
            var proxy = Create<IAmazonDynamoDB, LostAnswers>();
            ((LostAnswers)(object)proxy)._inner = inner;
            return proxy;
        }

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args) => args switch
        {
            [PutItemRequest put, CancellationToken token] => TwiceAsync(() => _inner.PutItemAsync(put, token)),
            [TransactWriteItemsRequest transaction, CancellationToken token] => TwiceAsync(() => _inner.TransactWriteItemsAsync(transaction, token)),
            _ => targetMethod!.Invoke(_inner, args),
        };

        private async Task<T> TwiceAsync<T>(Func<Task<T>> send)
        {
            await send(); // applied, but the answer is "lost"
            Repeated++;
            return await send();
        }
    }
}
