using Moneta.Runtime.Storage;

namespace Moneta.Silo;

/// <summary>
/// Holds the silo's start until its DynamoDB tables exist (created, or checked when it may not create them): a silo
/// pointed at the wrong prefix, region or account stops at start with the reason, instead of answering 500s. It runs
/// where Orleans' own providers prepare their tables, before the silo takes any grain call.
/// </summary>
internal sealed class DynamoDbTablesCheck(DynamoDbStateStore store) : ILifecycleParticipant<ISiloLifecycle>
{
    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(DynamoDbTablesCheck), ServiceLifecycleStage.ApplicationServices, cancellationToken => store.EnsureTablesAsync().WaitAsync(cancellationToken));
}
