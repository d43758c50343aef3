using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Moneta.Tests.Support;

/// <summary>
/// An OpenTelemetry collector's OTLP/HTTP trace endpoint on a loopback port: it keeps each export (protobuf) as it
/// arrives, and answers as a collector does. Tests look for the bytes a span must carry (its trace id, its name).
/// </summary>
public sealed class OtlpCollector : IAsyncDisposable
{
    private readonly ConcurrentQueue<byte[]> _exports = new();
    private readonly WebApplication _app;

    private OtlpCollector(WebApplication app) => _app = app;

    public string Url => _app.Urls.First();

    public static async Task<OtlpCollector> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var collector = new OtlpCollector(app);
        app.MapPost("/v1/traces", async (HttpContext context) =>
        {
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body);
            collector._exports.Enqueue(body.ToArray());
            context.Response.ContentType = "application/x-protobuf";
        });
        await app.StartAsync();
        return collector;
    }

    /// <summary>Whether an export so far holds all these byte strings in one batch.</summary>
    public bool Received(params byte[][] parts) =>
        _exports.Any(export => parts.All(part => export.AsSpan().IndexOf(part) >= 0));

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
