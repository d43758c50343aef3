using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Moneta.LoadGenerator;

/// <summary>
/// With --webhooks: the receiver both parties register. It answers 204 at once and measures how long after its
/// event (the body's timestamp) each webhook arrives, which is the outbox, relay and dispatcher at work.
/// </summary>
internal sealed class WebhookSink : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, byte> _ids = new();
    private readonly ConcurrentQueue<(long ArrivedAt, double LagMs)> _arrivals = new();
    private long _received;

    private WebhookSink(WebApplication app) => _app = app;

    public Uri Url { get; private set; } = null!;

    public long Received => Interlocked.Read(ref _received);

    public long Distinct => _ids.Count;

    public static async Task<WebhookSink> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var sink = new WebhookSink(builder.Build());
        sink._app.Run(sink.ReceiveAsync);
        await sink._app.StartAsync();
        var address = sink._app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        sink.Url = new Uri(address);
        return sink;
    }

    /// <summary>Waits until <paramref name="expected"/> distinct webhooks are in, or nothing new came for five seconds.</summary>
    public async Task<TimeSpan> DrainAsync(long expected, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var (last, lastChange) = (Distinct, started);
        while (Distinct < expected && Stopwatch.GetElapsedTime(lastChange).TotalSeconds < 5)
        {
            await Task.Delay(50, cancellationToken);
            if (Distinct != last) (last, lastChange) = (Distinct, Stopwatch.GetTimestamp());
        }

        return Stopwatch.GetElapsedTime(started);
    }

    /// <summary>Lags of the webhooks that arrived in the measured window.</summary>
    public List<double> LagsBetween(long from, long to) => [.. _arrivals.Where(a => a.ArrivedAt >= from && a.ArrivedAt <= to).Select(a => a.LagMs)];

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task ReceiveAsync(HttpContext context)
    {
        var arrived = DateTimeOffset.UtcNow;
        using var body = await JsonDocument.ParseAsync(context.Request.Body);
        var occurred = DateTimeOffset.Parse(body.RootElement.GetProperty("timestamp").GetString()!, CultureInfo.InvariantCulture);
        Interlocked.Increment(ref _received);
        _ids.TryAdd(context.Request.Headers["webhook-id"].ToString() + context.Request.Path, 0);
        _arrivals.Enqueue((Stopwatch.GetTimestamp(), (arrived - occurred).TotalMilliseconds));
        context.Response.StatusCode = StatusCodes.Status204NoContent;
    }
}
