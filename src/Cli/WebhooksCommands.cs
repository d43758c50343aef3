using System.CommandLine;
using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Moneta.Client;
using Spectre.Console;

namespace Moneta.Cli;

/// <summary>Webhooks from a terminal: a local receiver that verifies and prints events (like stripe listen), test events, endpoints and deliveries.</summary>
internal static class WebhooksCommands
{
    private const string ListenPath = "/moneta/webhooks";

    public static Command Build()
    {
        var webhooks = new Command("webhooks", "Listen for webhooks, trigger test events, manage endpoints and deliveries.");
        webhooks.Subcommands.Add(Listen());
        webhooks.Subcommands.Add(Trigger());
        webhooks.Subcommands.Add(Endpoints());
        webhooks.Subcommands.Add(Deliveries());
        return webhooks;
    }

    /// <summary>
    /// Registers an endpoint at a local receiver, prints each webhook as it arrives with whether its signature verified,
    /// optionally forwards it to your application, and removes the endpoint when stopped (Ctrl+C).
    /// </summary>
    private static Command Listen()
    {
        var command = new Command("listen", "Receive your organization's webhooks here: each one verified and printed as it arrives (Ctrl+C stops and removes the endpoint).");
        var port = new Option<int>("--port") { Description = "Local port to listen on (default: any free one).", DefaultValueFactory = _ => 0 };
        var events = new Option<string[]>("--events") { Description = "Event types to receive (default: all).", AllowMultipleArgumentsPerToken = true };
        var forwardTo = new Option<string?>("--forward-to") { Description = "Also POST each verified webhook, headers and body unchanged, to this URL (your application)." };
        var publicUrl = new Option<string?>("--public-url") { Description = "The URL Moneta should call, if it cannot reach this machine directly (a tunnel to the local port)." };
        foreach (var option in new Option[] { port, events, forwardTo, publicUrl }) command.Options.Add(option);
        command.SetAction((parse, cancellation) => Cli.RunAsync(async () =>
        {
            using var client = Cli.Partner(parse, out var profile);
            using var forwarder = new HttpClient();
            MonetaWebhooks? verifier = null;

            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.UseUrls($"http://127.0.0.1:{parse.GetValue(port)}");
            await using var app = builder.Build();
            var forward = parse.GetValue(forwardTo);
            app.MapPost(ListenPath, async (HttpContext context) =>
            {
                using var reader = new StreamReader(context.Request.Body);
                var body = await reader.ReadToEndAsync(context.RequestAborted);
                try
                {
                    var received = verifier!.Verify(body, context.Request.Headers);
                    Console.Out.WriteLine($"{received.Timestamp.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture)}  {received.Type}  {received.Id}  verified{Summary(received)}");
                    if (forward is null) return Results.Ok();
                    using var copy = new HttpRequestMessage(HttpMethod.Post, forward) { Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json") };
                    foreach (var header in new[] { "webhook-id", "webhook-timestamp", "webhook-signature", "traceparent" })
                    {
                        if (context.Request.Headers.TryGetValue(header, out var value)) copy.Headers.TryAddWithoutValidation(header, value.ToString());
                    }

                    using var answer = await forwarder.SendAsync(copy, context.RequestAborted);
                    return Results.StatusCode((int)answer.StatusCode);
                }
                catch (StandardWebhooks.Diagnostics.WebhookVerificationException e)
                {
                    Console.Out.WriteLine($"{DateTimeOffset.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture)}  refused: {e.Message}");
                    return Results.BadRequest();
                }
            });
            await app.StartAsync(cancellation);

            var listening = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
            var url = new Uri(parse.GetValue(publicUrl) ?? listening.TrimEnd('/') + ListenPath);
            var types = parse.GetValue(events) is { Length: > 0 } chosen ? chosen : null;
            var created = await client.Webhooks.CreateEndpointAsync(profile.Kind, profile.OrganizationId, url, types, "moneta webhooks listen", cancellationToken: cancellation);
            verifier = new MonetaWebhooks(created.Secret);
            Cli.Err.MarkupLine($"Ready. Endpoint {Markup.Escape(created.Endpoint.Id)} sends {Markup.Escape(profile.OrganizationId)}'s webhooks to {Markup.Escape(url.AbsoluteUri)}; Ctrl+C to stop.");

            try
            {
                await Task.Delay(Timeout.Infinite, cancellation);
            }
            catch (OperationCanceledException)
            {
                // Stopped: the endpoint goes, so Moneta stops sending to an address nobody listens on.
                await client.Webhooks.DeleteEndpointAsync(profile.Kind, profile.OrganizationId, created.Endpoint.Id, CancellationToken.None);
                Cli.Err.MarkupLine($"Endpoint {Markup.Escape(created.Endpoint.Id)} removed.");
            }
        }));
        return command;
    }

    private static string Summary(WebhookEvent received) =>
        received.Data.TryGetProperty("contract", out var contract)
            ? $"  contract {contract.GetProperty("contract_id").GetString()} {contract.GetProperty("status").GetString()}"
            : received.Data.TryGetProperty("to", out var to) ? $"  now {to.GetString()}" : "";

    private static Command Trigger()
    {
        var command = new Command("trigger", "Send a signed webhook.test event to one endpoint, or to every endpoint of your organization.");
        var endpoint = new Option<string?>("--endpoint") { Description = "The endpoint id (default: all of yours)." };
        command.Options.Add(endpoint);
        command.SetAction((parse, cancellation) => Cli.RunAsync(async () =>
        {
            using var client = Cli.Partner(parse, out var profile);
            var targets = parse.GetValue(endpoint) is { } one
                ? [one]
                : (await client.Webhooks.ListEndpointsAsync(profile.Kind, profile.OrganizationId, cancellation)).Where(e => e.Status == "enabled").Select(e => e.Id).ToList();
            if (targets.Count == 0) throw new CliException("Your organization has no enabled webhook endpoint; run 'moneta webhooks listen' or create one.");
            foreach (var target in targets)
            {
                var sent = await client.Webhooks.SendTestAsync(profile.Kind, profile.OrganizationId, target, cancellationToken: cancellation);
                Cli.Err.MarkupLine($"webhook.test {Markup.Escape(sent.EventId)} on its way to endpoint {Markup.Escape(target)} (delivery {Markup.Escape(sent.DeliveryId)})");
                Console.Out.WriteLine(sent.DeliveryId);
            }
        }));
        return command;
    }

    private static Command Endpoints()
    {
        var list = new Command("list", "Your organization's webhook endpoints.");
        list.SetAction((parse, cancellation) => Cli.RunAsync(async () =>
        {
            using var client = Cli.Partner(parse, out var profile);
            var table = new Table().AddColumns("id", "url", "events", "status");
            foreach (var e in await client.Webhooks.ListEndpointsAsync(profile.Kind, profile.OrganizationId, cancellation))
                table.AddRow(Markup.Escape(e.Id), Markup.Escape(e.Url), Markup.Escape(e.EventTypes.Count == 0 ? "all" : string.Join(", ", e.EventTypes)), Markup.Escape(e.Status));
            AnsiConsole.Write(table);
        }));

        var create = new Command("create", "Register an endpoint; prints its signing secret (shown this once) to stdout.");
        var url = new Option<string>("--url") { Description = "Where Moneta sends webhooks (https).", Required = true };
        var events = new Option<string[]>("--events") { Description = "Event types (default: all).", AllowMultipleArgumentsPerToken = true };
        create.Options.Add(url);
        create.Options.Add(events);
        create.SetAction((parse, cancellation) => Cli.RunAsync(async () =>
        {
            using var client = Cli.Partner(parse, out var profile);
            var created = await client.Webhooks.CreateEndpointAsync(profile.Kind, profile.OrganizationId, new Uri(parse.GetValue(url)!), parse.GetValue(events) is { Length: > 0 } types ? types : null, cancellationToken: cancellation);
            Cli.Err.MarkupLine($"Endpoint {Markup.Escape(created.Endpoint.Id)} created; its secret follows (keep it like a password).");
            Console.Out.WriteLine(created.Secret);
        }));

        var endpoints = new Command("endpoints", "Webhook endpoints.");
        endpoints.Subcommands.Add(list);
        endpoints.Subcommands.Add(create);
        return endpoints;
    }

    private static Command Deliveries()
    {
        var list = new Command("list", "Deliveries to one of your endpoints, each with its attempts.");
        var endpoint = new Option<string>("--endpoint") { Description = "The endpoint id.", Required = true };
        var status = new Option<string?>("--status") { Description = "pending, delivered or dead." };
        list.Options.Add(endpoint);
        list.Options.Add(status);
        list.SetAction((parse, cancellation) => Cli.RunAsync(async () =>
        {
            using var client = Cli.Partner(parse, out _);
            var table = new Table().AddColumns("delivery", "event", "status", "attempts", "next attempt");
            await foreach (var d in client.Webhooks.ListDeliveriesAsync(parse.GetValue(endpoint)!, parse.GetValue(status), cancellation))
                table.AddRow(Markup.Escape(d.Id), Markup.Escape(d.EventType), Markup.Escape(d.Status), d.Attempts.Count.ToString(CultureInfo.InvariantCulture), d.NextAttemptAt?.ToString("u", CultureInfo.InvariantCulture) ?? "—");
            AnsiConsole.Write(table);
        }));

        var id = new Argument<string>("delivery-id");
        var retry = new Command("retry", "Attempt a pending delivery now instead of at its scheduled time.");
        retry.Arguments.Add(id);
        retry.SetAction((parse, cancellation) => Cli.RunAsync(async () =>
        {
            using var client = Cli.Partner(parse, out _);
            var delivery = await client.Webhooks.RetryNowAsync(parse.GetValue(id)!, cancellation);
            Cli.Show(parse, delivery, ("delivery", delivery.Id), ("status", delivery.Status), ("attempts", delivery.Attempts.Count.ToString(CultureInfo.InvariantCulture)));
        }));

        var redriveId = new Argument<string>("delivery-id");
        var redrive = new Command("redrive", "Send a dead delivery again.");
        redrive.Arguments.Add(redriveId);
        redrive.SetAction((parse, cancellation) => Cli.RunAsync(async () =>
        {
            using var client = Cli.Partner(parse, out _);
            var delivery = await client.Webhooks.RedriveAsync(parse.GetValue(redriveId)!, cancellation);
            Cli.Show(parse, delivery, ("delivery", delivery.Id), ("status", delivery.Status), ("attempts", delivery.Attempts.Count.ToString(CultureInfo.InvariantCulture)));
        }));

        var deliveries = new Command("deliveries", "Webhook deliveries.");
        deliveries.Subcommands.Add(list);
        deliveries.Subcommands.Add(retry);
        deliveries.Subcommands.Add(redrive);
        return deliveries;
    }
}
