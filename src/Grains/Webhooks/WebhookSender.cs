using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using Moneta.Crypto;
using Moneta.Webhooks;

namespace Moneta.Grains.Webhooks;

/// <summary>
/// Sends one signed webhook. Redirects are not followed (a 3xx is a failed attempt), cookies and proxies are not
/// used, and every connection goes only to addresses the <see cref="OutboundAddressPolicy"/> allows.
/// Errors are described without the URL, which may carry a partner's credentials.
/// </summary>
public sealed class WebhookSender : IDisposable
{
    private readonly HttpClient _client;
    private readonly WebhookOptions _options;
    private readonly OutboundAddressPolicy _policy;
    private readonly TimeProvider _clock;

    public WebhookSender(WebhookOptions options, OutboundAddressPolicy policy, TimeProvider clock)
    {
        _options = options;
        _policy = policy;
        _clock = clock;
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseCookies = false,
            UseProxy = false,
            ConnectTimeout = options.AttemptTimeout,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            ConnectCallback = ConnectAsync,
            // The trace a webhook belongs to is the one stored with its event (see SendAsync), not whatever
            // activity happens to be current when a retry goes out.
            ActivityHeadersPropagator = null,
        };
        _client = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
    }

    /// <param name="traceParent">The W3C trace context of the request that caused the event, sent as <c>traceparent</c>.</param>
    public async Task<SendResult> SendAsync(WebhookTarget target, string messageId, byte[] body, string? traceParent = null)
    {
        var timestamp = _clock.GetUtcNow().ToUnixTimeSeconds();
        using var request = new HttpRequestMessage(HttpMethod.Post, target.Url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Add("webhook-id", messageId);
        request.Headers.Add("webhook-timestamp", timestamp.ToString(CultureInfo.InvariantCulture));
        request.Headers.Add("webhook-signature", WebhookSignature.Header(target.Secrets, messageId, timestamp, body));
        request.Headers.UserAgent.ParseAdd("Moneta-Webhooks/1");
        if (ActivityContext.TryParse(traceParent, null, out _)) request.Headers.TryAddWithoutValidation("traceparent", traceParent);

        var started = _clock.GetTimestamp();
        using var timeout = new CancellationTokenSource(_options.AttemptTimeout);
        try
        {
            using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            return new SendResult((int)response.StatusCode, _clock.GetElapsedTime(started), null);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            return new SendResult(null, _clock.GetElapsedTime(started), $"no response within {_options.AttemptTimeout.TotalSeconds:0.#} s");
        }
        catch (HttpRequestException e)
        {
            return new SendResult(null, _clock.GetElapsedTime(started), Describe(e));
        }
    }

    public void Dispose() => _client.Dispose();

    private static string Describe(HttpRequestException e) => e.InnerException switch
    {
        OutboundAddressRefusedException refused => refused.Message,
        SocketException socket => $"connection failed: {socket.SocketErrorCode}",
        _ => $"request failed: {e.HttpRequestError}",
    };

    private async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var host = context.DnsEndPoint.Host;
        var addresses = IPAddress.TryParse(host, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, cancellationToken);
        var allowed = _policy.IsAllowListed(host) ? addresses : [.. addresses.Where(_policy.IsAllowed)];
        if (allowed.Length == 0)
            throw new OutboundAddressRefusedException("the endpoint's address is not public, and webhooks only go to public addresses here");

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(allowed, context.DnsEndPoint.Port, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
