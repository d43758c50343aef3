using Amazon;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Amazon.Runtime;
using Microsoft.Extensions.Logging;

namespace Moneta.Runtime.Storage;

/// <summary>
/// What every DynamoDB component of a silo (grain storage, cluster membership) does the same way: make a client from
/// Moneta:Storage:DynamoDB:*, and make sure its tables exist before it serves: created when configured to
/// (development, tests), otherwise checked, so a silo pointed at the wrong prefix, region or account stops at start
/// with the missing table's name instead of failing on every request.
/// </summary>
public static partial class DynamoDbTableSetup
{
    public static IAmazonDynamoDB CreateClient(DynamoDbStorageOptions options)
    {
        // Credentials come from the standard AWS chain (environment, profile, container or instance role).
        var config = new AmazonDynamoDBConfig { MaxErrorRetry = options.MaxErrorRetry, Timeout = options.RequestTimeout };
        if (string.IsNullOrEmpty(options.ServiceUrl))
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(options.Region);
        }
        else
        {
            config.ServiceURL = options.ServiceUrl;
            config.AuthenticationRegion = options.Region;
        }

        return new AmazonDynamoDBClient(config);
    }

    /// <summary>Throttled or failing after the SDK's own retries, or unreachable: retrying later is the answer (503).</summary>
    public static bool IsUnavailable(Exception error) => error switch
    {
        ProvisionedThroughputExceededException or RequestLimitExceededException or InternalServerErrorException => true,
        TransactionCanceledException { CancellationReasons: { } reasons } => reasons.Any(r => r?.Code == "ThrottlingError"),
        AmazonServiceException { StatusCode: >= System.Net.HttpStatusCode.InternalServerError } => true,
        AmazonServiceException { InnerException: HttpRequestException or IOException or TimeoutException } => true,
        HttpRequestException => true,
        _ => false,
    };

    /// <summary>Creates the missing tables (and turns on their time to live) if <paramref name="create"/>, else checks that they exist.</summary>
    public static async Task EnsureAsync(IAmazonDynamoDB client, IEnumerable<CreateTableRequest> tables, bool create, ILogger logger, CancellationToken cancellationToken = default)
    {
        foreach (var definition in tables)
        {
            if (!create)
            {
                try
                {
                    await client.DescribeTableAsync(definition.TableName, cancellationToken);
                    continue;
                }
                catch (ResourceNotFoundException e)
                {
                    throw new InvalidOperationException(
                        $"DynamoDB table {definition.TableName} does not exist. Create the tables with deploy/cloudformation/tables.yaml " +
                        "(TablePrefix as configured), or set Moneta:Storage:DynamoDB:CreateTables=true in development.", e);
                }
            }

            try
            {
                await client.CreateTableAsync(definition, cancellationToken);
                LogTableCreated(logger, definition.TableName);
            }
            catch (ResourceInUseException)
            {
                // It exists (perhaps another silo created it a moment ago).
            }

            var deadline = DateTime.UtcNow.AddMinutes(2);
            while ((await client.DescribeTableAsync(definition.TableName, cancellationToken)).Table.TableStatus != TableStatus.ACTIVE)
            {
                if (DateTime.UtcNow > deadline)
                    throw new TimeoutException($"DynamoDB table {definition.TableName} did not become active.");
                await Task.Delay(200, cancellationToken);
            }

            if (DynamoDbTables.TimeToLiveAttribute(definition.TableName) is { } attribute)
                await EnableTimeToLiveAsync(client, definition.TableName, attribute, cancellationToken);
        }
    }

    private static async Task EnableTimeToLiveAsync(IAmazonDynamoDB client, string table, string attribute, CancellationToken cancellationToken)
    {
        var current = await client.DescribeTimeToLiveAsync(new DescribeTimeToLiveRequest { TableName = table }, cancellationToken);
        if (current.TimeToLiveDescription?.TimeToLiveStatus is { } status && (status == TimeToLiveStatus.ENABLED || status == TimeToLiveStatus.ENABLING))
            return;
        try
        {
            await client.UpdateTimeToLiveAsync(new UpdateTimeToLiveRequest
            {
                TableName = table,
                TimeToLiveSpecification = new TimeToLiveSpecification { AttributeName = attribute, Enabled = true },
            }, cancellationToken);
        }
        catch (AmazonDynamoDBException e) when (e.Message.Contains("already enabled", StringComparison.OrdinalIgnoreCase))
        {
            // Another silo turned it on a moment ago.
        }
    }

    [LoggerMessage(LogLevel.Information, "Created DynamoDB table {Table}")]
    private static partial void LogTableCreated(ILogger logger, string table);
}
