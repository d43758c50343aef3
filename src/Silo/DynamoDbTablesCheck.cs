using Moneta.Runtime.Storage;

namespace Moneta.Silo;

/// <summary>
/// Holds the silo's start until its DynamoDB tables exist (created, or checked when it may not create them): a silo
/// pointed at the wrong prefix, region or account stops at start with the reason, instead of answering 500s.
/// </summary>
internal sealed class DynamoDbTablesCheck(DynamoDbGrainStorage storage) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => storage.EnsureTablesAsync().WaitAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
