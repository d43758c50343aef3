using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Moneta.Tests.Support;

/// <summary>One webhook request as the receiver saw it, and whether its signature verified with a trusted secret.</summary>
public sealed record ReceivedWebhook(string Path, string Id, string Timestamp, string Signatures, byte[] RawBody, int AnsweredWith)
{
    public JsonNode Body { get; } = JsonNode.Parse(RawBody)!;

    public string Type => Body["type"]!.GetValue<string>();

    public string? ContractId => Body["data"]?["contract"]?["contract_id"]?.GetValue<string>();

    public bool Verified { get; init; }

    /// <summary>The W3C <c>traceparent</c> header, if the webhook carried one.</summary>
    public string? TraceParent { get; init; }

    /// <summary>HMAC-SHA256 over "id.timestamp.body" with this secret matches one of the v1 signatures.</summary>
    public bool VerifiesWith(string secret)
    {
        var signed = Encoding.UTF8.GetBytes($"{Id}.{Timestamp}.").Concat(RawBody).ToArray();
        var expected = HMACSHA256.HashData(Convert.FromBase64String(secret["whsec_".Length..]), signed);
        return Signatures.Split(' ')
            .Where(s => s.StartsWith("v1,", StringComparison.Ordinal))
            .Any(s => CryptographicOperations.FixedTimeEquals(Convert.FromBase64String(s[3..]), expected));
    }
}

/// <summary>
/// A partner's webhook receiver: real HTTP on a loopback port, verifying every request by the Standard Webhooks
/// rules written out independently of Moneta's code. It can be taken down and brought back on the same port,
/// and told what to answer.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private static readonly TimeSpan Tolerance = TimeSpan.FromMinutes(5);

    private readonly ConcurrentDictionary<string, IReadOnlyList<string>> _secrets = new();
    private readonly ConcurrentQueue<ReceivedWebhook> _received = new();
    private WebApplication? _app;

    private WebhookReceiver(int port) => Port = port;

    public int Port { get; }

    /// <summary>What to answer; 200 unless a test says otherwise.</summary>
    public Func<HttpContext, int> Answer { get; set; } = _ => 200;

    public IReadOnlyList<ReceivedWebhook> Received => [.. _received];

    /// <summary>The webhooks answered with a 2xx, in arrival order.</summary>
    public IReadOnlyList<ReceivedWebhook> Accepted => [.. _received.Where(r => r.AnsweredWith is >= 200 and < 300)];

    public static async Task<WebhookReceiver> StartAsync()
    {
        var receiver = new WebhookReceiver(FreePort());
        await receiver.StartAgainAsync();
        return receiver;
    }

    public string Url(string path) => $"http://127.0.0.1:{Port}{path}";

    /// <summary>The secrets a request to <paramref name="path"/> may be signed with.</summary>
    public void Trust(string path, params string[] secrets) => _secrets[path] = secrets;

    /// <summary>Registers <paramref name="path"/> here as a webhook endpoint of the partner and trusts its secret; returns the endpoint id.</summary>
    public async Task<string> SubscribeAsync(TestPartner partner, string path, params string[] eventTypes)
    {
        var (endpointId, secret) = await CreateEndpointAsync(partner, Url(path), eventTypes);
        Trust(path, secret);
        return endpointId;
    }

    /// <summary>Registers a webhook endpoint as the partner itself would; returns its id and the secret shown this once.</summary>
    public static async Task<(string EndpointId, string Secret)> CreateEndpointAsync(TestPartner partner, string url, params string[] eventTypes)
    {
        var body = new JsonObject { ["url"] = url };
        if (eventTypes.Length > 0) body["event_types"] = new JsonArray([.. eventTypes.Select(t => JsonValue.Create(t))]);
        var created = await Json.ReadAsync(await partner.Http.PostAsJsonAsync($"/api/v1/organizations/{partner.Kind}/{partner.Id}/webhooks", body), HttpStatusCode.Created);
        var secret = created["secret"]!.GetValue<string>();
        Assert.StartsWith("whsec_", secret, StringComparison.Ordinal);
        return (created["endpoint"]!["id"]!.GetValue<string>(), secret);
    }

    /// <summary>The types of the webhooks a path accepted about one contract, each webhook-id once, in arrival order.</summary>
    public List<string> TypesAbout(string path, string contractId) =>
        [.. Accepted.Where(r => r.Path == path && r.ContractId == contractId).DistinctBy(r => r.Id).Select(r => r.Type)];

    /// <summary>
    /// Every request verified, and delivery at least once never became two different webhooks for one event:
    /// a webhook sent again carries the same webhook-id and the same bytes.
    /// </summary>
    public void AssertAllVerifiedAndOneIdPerEvent()
    {
        Assert.All(Received, r => Assert.True(r.Verified, $"{r.Type} to {r.Path} verifies"));
        foreach (var repeats in Received.GroupBy(r => (r.Path, r.Id)))
            Assert.Single(repeats.Select(r => Convert.ToBase64String(r.RawBody)).Distinct());
        Assert.All(Received.GroupBy(r => (r.Path, r.Type, r.ContractId)), sent => Assert.Single(sent.Select(r => r.Id).Distinct()));
    }

    public async Task StartAgainAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{Port}");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.Run(ReceiveAsync);
        await app.StartAsync();
        _app = app;
    }

    /// <summary>Down: nothing listens on the port until <see cref="StartAgainAsync"/>.</summary>
    public async Task StopAsync()
    {
        if (_app is null) return;
        await _app.StopAsync();
        await _app.DisposeAsync();
        _app = null;
    }

    public async ValueTask DisposeAsync() => await StopAsync();

    private async Task ReceiveAsync(HttpContext context)
    {
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer);
        var body = buffer.ToArray();
        var headers = context.Request.Headers;
        var status = Answer(context);
        var received = new ReceivedWebhook(context.Request.Path!, headers["webhook-id"].ToString(), headers["webhook-timestamp"].ToString(), headers["webhook-signature"].ToString(), body, status);
        _received.Enqueue(received with { Verified = IsTrusted(received), TraceParent = headers.TryGetValue("traceparent", out var trace) ? trace.ToString() : null });
        context.Response.StatusCode = status;
        if (status is >= 300 and < 400) context.Response.Headers.Location = "http://127.0.0.1:9/elsewhere";
    }

    /// <summary>Signed with a secret trusted for its path, and a timestamp within five minutes.</summary>
    private bool IsTrusted(ReceivedWebhook received) =>
        _secrets.TryGetValue(received.Path, out var secrets)
        && long.TryParse(received.Timestamp, out var seconds)
        && (DateTimeOffset.UtcNow - DateTimeOffset.FromUnixTimeSeconds(seconds)).Duration() <= Tolerance
        && secrets.Any(received.VerifiesWith);

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
