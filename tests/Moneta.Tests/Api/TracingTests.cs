using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using Moneta.Tests.Support;

namespace Moneta.Tests.Api;

/// <summary>Traces as an operator's OpenTelemetry collector receives them.</summary>
public sealed class TracingTests
{
    [Fact]
    public async Task With_a_collector_configured_each_grain_call_is_a_span_in_the_trace_of_the_request()
    {
        await using var collector = await OtlpCollector.StartAsync();
        await using var cluster = await SiloCluster.StartAsync(settings: new Dictionary<string, string?>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = collector.Url,
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            ["OTEL_BSP_SCHEDULE_DELAY"] = "100",
        });
        var scenario = await ContractScenario.CreateAsync(cluster.First);
        var traceId = ActivityTraceId.CreateRandom();

        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/contracts") { Content = JsonContent.Create(scenario.Initiation()) };
        request.Headers.Add("traceparent", $"00-{traceId.ToHexString()}-{ActivitySpanId.CreateRandom().ToHexString()}-01");
        await Json.ReadAsync(await scenario.Mo.Http.SendAsync(request), HttpStatusCode.Created);

        var traceIdBytes = Convert.FromHexString(traceId.ToHexString());
        await Eventually.TrueAsync(() => Task.FromResult(collector.Received(traceIdBytes, Encoding.UTF8.GetBytes("IContractGrain/Initiate"))),
            because: "the contract grain's Initiate call is exported as a span of the request's trace");
    }
}
