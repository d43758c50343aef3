using Amazon.DynamoDBv2.Model;
using Moneta.Runtime.Storage;
using Moneta.Tests.Support;
using YamlDotNet.Serialization;

namespace Moneta.Tests.Runtime;

/// <summary>
/// Production tables come from deploy/cloudformation/tables.yaml, development and test tables from the code
/// (<see cref="DynamoDbTables"/>): the two must describe the same tables, or production breaks where tests pass.
/// </summary>
public sealed class DynamoDbTableTemplateTests
{
    private static readonly Dictionary<object, object> Resources = (Dictionary<object, object>)new DeserializerBuilder().Build()
        .Deserialize<Dictionary<object, object>>(Repository.ReadFile("deploy", "cloudformation", "tables.yaml"))["Resources"];

    [Fact]
    public void The_cloudformation_template_defines_exactly_the_tables_the_code_creates()
    {
        var fromCode = DynamoDbTables.All("${TablePrefix}").ToDictionary(t => t.TableName, Describe);
        var fromTemplate = Tables().ToDictionary(t => Map(t["TableName"])["Fn::Sub"].ToString()!, Describe);

        Assert.Equal(fromCode.Keys.Order(), fromTemplate.Keys.Order());
        foreach (var (name, description) in fromCode)
            Assert.Equal(description, fromTemplate[name]);
    }

    [Fact]
    public void The_membership_table_and_the_grains_time_to_live_are_in_the_template()
    {
        var names = Tables().Select(t => Map(t["TableName"])["Fn::Sub"].ToString()).ToList();
        Assert.Contains("${TablePrefix}" + DynamoDbTables.Membership, names);
        var grains = Tables().Single(t => Map(t["TableName"])["Fn::Sub"].ToString() == "${TablePrefix}" + DynamoDbTables.Grains);
        Assert.Equal(DynamoDbTables.ExpiresAt, Map(grains["TimeToLiveSpecification"])["AttributeName"]);
    }

    [Fact]
    public void Every_production_table_has_point_in_time_recovery_encryption_and_is_retained()
    {
        foreach (var resource in Resources.Values.Cast<Dictionary<object, object>>().Where(r => (string)r["Type"] == "AWS::DynamoDB::Table"))
        {
            var properties = Map(resource["Properties"]);
            Assert.Equal("true", Map(properties["PointInTimeRecoverySpecification"])["PointInTimeRecoveryEnabled"]);
            Assert.Equal("true", Map(properties["SSESpecification"])["SSEEnabled"]);
            Assert.Equal("Retain", resource["DeletionPolicy"]);
        }
    }

    private static IEnumerable<Dictionary<object, object>> Tables() =>
        Resources.Values.Cast<Dictionary<object, object>>().Where(r => (string)r["Type"] == "AWS::DynamoDB::Table").Select(r => Map(r["Properties"]));

    /// <summary>Everything that makes a table what the provider needs, as one comparable text.</summary>
    private static string Describe(CreateTableRequest table) => string.Join("\n",
    [
        $"ttl {DynamoDbTables.TimeToLiveAttribute(table.TableName) ?? "off"}",
        $"billing {table.BillingMode.Value}",
        $"attributes {string.Join(",", table.AttributeDefinitions.Select(a => $"{a.AttributeName}:{a.AttributeType.Value}").Order())}",
        $"keys {Keys(table.KeySchema)}",
        .. (table.GlobalSecondaryIndexes ?? []).Select(i => $"gsi {i.IndexName} {Keys(i.KeySchema)} {Projection(i.Projection)}").Order(),
        .. (table.LocalSecondaryIndexes ?? []).Select(i => $"lsi {i.IndexName} {Keys(i.KeySchema)} {Projection(i.Projection)}").Order(),
    ]);

    private static string Describe(Dictionary<object, object> table) => string.Join("\n",
    [
        $"ttl {(table.TryGetValue("TimeToLiveSpecification", out var ttl) && (string)Map(ttl)["Enabled"] == "true" ? Map(ttl)["AttributeName"] : "off")}",
        $"billing {table["BillingMode"]}",
        $"attributes {string.Join(",", List(table["AttributeDefinitions"]).Select(a => $"{a["AttributeName"]}:{a["AttributeType"]}").Order())}",
        $"keys {Keys(table["KeySchema"])}",
        .. (table.TryGetValue("GlobalSecondaryIndexes", out var gsis) ? List(gsis) : []).Select(i => $"gsi {i["IndexName"]} {Keys(i["KeySchema"])} {Projection(Map(i["Projection"]))}").Order(),
        .. (table.TryGetValue("LocalSecondaryIndexes", out var lsis) ? List(lsis) : []).Select(i => $"lsi {i["IndexName"]} {Keys(i["KeySchema"])} {Projection(Map(i["Projection"]))}").Order(),
    ]);

    private static string Keys(List<KeySchemaElement> keys) => string.Join(",", keys.Select(k => $"{k.AttributeName}:{k.KeyType.Value}"));

    private static string Keys(object keys) => string.Join(",", List(keys).Select(k => $"{k["AttributeName"]}:{k["KeyType"]}"));

    private static string Projection(Amazon.DynamoDBv2.Model.Projection projection) =>
        $"{projection.ProjectionType.Value}({string.Join(",", (projection.NonKeyAttributes ?? []).Order())})";

    private static string Projection(Dictionary<object, object> projection) =>
        $"{projection["ProjectionType"]}({string.Join(",", (projection.TryGetValue("NonKeyAttributes", out var attributes) ? ((List<object>)attributes).Select(a => a.ToString()!) : []).Order())})";

    private static Dictionary<object, object> Map(object node) => (Dictionary<object, object>)node;

    private static IEnumerable<Dictionary<object, object>> List(object node) => ((List<object>)node).Cast<Dictionary<object, object>>();
}
