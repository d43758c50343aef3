using Moneta.Api;
using Moneta.Api.Auth;
using Moneta.Api.Http;
using Moneta.Api.Sandbox;
using Moneta.Crypto;
using Moneta.Grains;
using Moneta.Grains.Templates;
using Moneta.Grains.Webhooks;
using Moneta.Runtime;
using Moneta.Runtime.Hosting;
using Moneta.Runtime.Messaging;
using Moneta.Runtime.Storage;
using Orleans.Configuration;
using Orleans.Dashboard;

namespace Moneta.Silo;

/// <summary>
/// The composition root: one process is an Orleans silo (the grains, their storage, the outbox relay), Moneta's
/// signing key and the HTTP front door, which calls the grains through the silo's own grain factory. Several silos
/// form one cluster through a membership table and share one store.
/// </summary>
public static class MonetaSilo
{
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        // Settings ship beside the binaries; relative data paths (./data/moneta.db) follow the working directory.
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        configure?.Invoke(builder);
        var config = builder.Configuration.GetSection("Moneta");
        var development = builder.Environment.IsDevelopment();

        var storagePath = config["Storage:Sqlite:Path"] ?? "./data/moneta.db";
        var dataDirectory = Path.GetDirectoryName(Path.GetFullPath(storagePath))!;
        var auth = AuthSettings(config, development, dataDirectory);

        var managementHosts = ListenOnManagementPort(builder, config);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Limits.MaxRequestBodySize = config.GetValue<long?>("Http:MaxRequestBodyBytes") ?? 256 * 1024;
            kestrel.AddServerHeader = false;
        });

        GrainTracing.PropagateTraceContext(); // an incoming traceparent reaches the grains, their events and webhooks
        var services = builder.Services;
        var monetaKeys = SigningKeys.Load(config, storagePath, development);
        services.AddSingleton(monetaKeys);
        services.AddSingleton(monetaKeys.Signing);
        services.AddSingleton<PartnerKeyCache>();
        services.AddSingleton<TemplateCatalog>();
        services.AddMonetaFlows(config.GetSection("Settlement"));
        services.AddSingleton(WebhookSettings(config, development));
        services.AddSingleton<OutboundAddressPolicy>();
        // webhook-timestamp is checked against the receiver's clock, so it is real time even while a sandbox clock runs ahead.
        services.AddSingleton(provider => new WebhookSender(provider.GetRequiredService<WebhookOptions>(), provider.GetRequiredService<OutboundAddressPolicy>(), TimeProvider.System));
        services.AddSingleton<WebhookMetrics>();
        builder.UseOrleans(silo =>
        {
            UseClustering(silo, config.GetSection("Cluster"), config.GetSection("Storage:DynamoDB"), storagePath, development);
            ApplyRuntimeSettings(silo, config.GetSection("Runtime"));
            AddStorage(silo, config, storagePath);
            if (Telemetry.ExportsTraces(builder.Configuration)) silo.AddActivityPropagation(); // a span per grain call, for the collector
            AddDashboard(silo, config.GetSection("Dashboard"), development);
        });
        services.AddMonetaTelemetry(builder.Configuration);
        var sandbox = builder.Environment.HasSandboxClock();
        if (sandbox) services.AddSandboxClock();
        var rateLimits = new RateLimitOptions();
        config.GetSection("RateLimits").Bind(rateLimits);
        var operators = new OperatorsOptions { SecureCookies = !development, ManagementHosts = managementHosts };
        services.AddMonetaApi(auth, rateLimits, trustedProxies: config.GetSection("Http:TrustedProxies").Get<string[]>() ?? [], operators);

        var app = builder.Build();
        app.UseMonetaApi();
        if (sandbox) app.MapSandboxApi();
        if (development && config["AdminToken"] is null)
        {
            var tokenFile = Path.Combine(dataDirectory, AdminToken.DevelopmentFileName);
            app.Logger.LogWarning("Development admin token, kept in {File} (set Moneta:AdminToken to choose your own): {AdminToken}", tokenFile, auth.AdminToken);
        }

        if (development && config["Issuer"] is null)
        {
            // A partner follows discovery: in development it must name the address this silo really listens on.
            var logger = app.Logger;
            app.Lifetime.ApplicationStarted.Register(() =>
            {
                var issuer = ListeningAddress(app) ?? auth.Issuer;
                auth.Issuer = issuer;
                if (logger.IsEnabled(LogLevel.Information)) logger.LogInformation("Development issuer (discovery, token audience): {Issuer}", issuer);
            });
        }

        return app;
    }

    /// <summary>
    /// Moneta:Auth, then the checked Moneta:Issuer and Moneta:AdminToken over it: bound the other way round,
    /// Moneta:Auth:AdminToken replaced a checked token with one of any length.
    /// </summary>
    private static MonetaAuthOptions AuthSettings(IConfiguration config, bool development, string dataDirectory)
    {
        var auth = new MonetaAuthOptions();
        config.GetSection("Auth").Bind(auth);
        auth.Issuer = config["Issuer"] ?? (development ? "http://localhost:5080" : throw new InvalidOperationException("Set Moneta:Issuer (Moneta's public base URL) in production."));
        auth.AdminToken = AdminToken.Resolve(config["AdminToken"], development, dataDirectory);

        // The protocol promises partners that an assertion more than five minutes ahead is refused; a configuration
        // may make that stricter, never looser.
        if (auth.MaxAssertionLifetime <= TimeSpan.Zero || auth.MaxAssertionLifetime > MonetaAuthOptions.AssertionLifetimeLimit)
            throw new InvalidOperationException($"Moneta:Auth:MaxAssertionLifetime must be positive and at most {MonetaAuthOptions.AssertionLifetimeLimit:c} (the protocol's five minutes); it is {auth.MaxAssertionLifetime:c}.");
        // A skew stretches every lifetime check, and a leaked access token works until it expires: both stay small.
        if (auth.ClockSkew < TimeSpan.Zero || auth.ClockSkew > TimeSpan.FromMinutes(5))
            throw new InvalidOperationException($"Moneta:Auth:ClockSkew must be between 00:00:00 and 00:05:00; it is {auth.ClockSkew:c}.");
        if (auth.AccessTokenLifetime <= TimeSpan.Zero || auth.AccessTokenLifetime > TimeSpan.FromHours(1))
            throw new InvalidOperationException($"Moneta:Auth:AccessTokenLifetime must be positive and at most 01:00:00; it is {auth.AccessTokenLifetime:c}.");
        return auth;
    }

    /// <summary>The first address the server listens on, a wildcard host (0.0.0.0, [::], +, *) read as localhost.</summary>
    private static string? ListeningAddress(WebApplication app)
    {
        var addresses = app.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>().Features
            .Get<Microsoft.AspNetCore.Hosting.Server.Features.IServerAddressesFeature>()?.Addresses ?? [];
        foreach (var address in addresses.OrderBy(a => a.StartsWith("https", StringComparison.Ordinal) ? 1 : 0))
        {
            var normalized = address.Replace("://0.0.0.0:", "://localhost:", StringComparison.Ordinal).Replace("://[::]:", "://localhost:", StringComparison.Ordinal)
                .Replace("://+:", "://localhost:", StringComparison.Ordinal).Replace("://*:", "://localhost:", StringComparison.Ordinal);
            if (Uri.TryCreate(normalized, UriKind.Absolute, out var uri)) return uri.GetLeftPart(UriPartial.Authority);
        }

        return null;
    }

    /// <summary>Moneta:Webhooks. Private networks are allowed in development only, unless configured otherwise.</summary>
    private static WebhookOptions WebhookSettings(IConfiguration config, bool development)
    {
        var options = new WebhookOptions { AllowPrivateNetworks = development };
        var section = config.GetSection("Webhooks");
        section.Bind(options);
        // Bound by hand: the binder would add configured lists to the defaults instead of replacing them.
        if (section.GetSection("RetrySchedule").Get<TimeSpan[]>() is { Length: > 0 } schedule) options.RetrySchedule = schedule;
        if (section.GetSection("AllowedHosts").Get<string[]>() is { } hosts) options.AllowedHosts = hosts;
        if (section.GetSection("AllowedNetworks").Get<string[]>() is { } networks) options.AllowedNetworks = networks;
        return options;
    }

    /// <summary>
    /// Moneta:Management:Urls: further addresses Kestrel listens on, for the dashboard, metrics and sign-in only.
    /// Returns the host patterns those routes are then restricted to (none: they share the main port).
    /// </summary>
    private static IReadOnlyList<string> ListenOnManagementPort(WebApplicationBuilder builder, IConfiguration config)
    {
        if (config["Management:Urls"] is not { Length: > 0 } management) return [];
        var urls = management.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var main = builder.Configuration[WebHostDefaults.ServerUrlsKey] is { Length: > 0 } configured ? configured : "http://localhost:5000";
        builder.WebHost.UseUrls([.. main.Split(';', StringSplitOptions.RemoveEmptyEntries), .. urls]);
        return [.. urls.Select(url => $"*:{BindingAddress.Parse(url).Port}")];
    }

    private static void UseClustering(ISiloBuilder silo, IConfiguration section, IConfiguration storage, string storagePath, bool development)
    {
        var cluster = new ClusterSettings();
        section.Bind(cluster);
        switch (cluster.Membership)
        {
            case "Localhost":
                silo.UseLocalhostClustering(cluster.SiloPort, cluster.GatewayPort, serviceId: cluster.ServiceId, clusterId: cluster.ClusterId);
                break;
            case "Sqlite":
                silo.UseSqliteClustering(options =>
                {
                    options.Path = storagePath;
                    section.GetSection("Sqlite").Bind(options);
                });
                UseMembershipTable(silo, cluster, development);
                break;
            case "DynamoDB":
                // The same connection settings as the grain storage, whichever store holds the grains.
                var dynamo = new DynamoDbStorageOptions();
                storage.Bind(dynamo);
                silo.UseDynamoDbClustering(dynamo);
                UseMembershipTable(silo, cluster, development);
                break;
            case var other:
                throw new InvalidOperationException($"Moneta:Cluster:Membership '{other}' is not supported; use Localhost (one silo), Sqlite (several on one machine) or DynamoDB (production).");
        }

        // How fast a dead silo is declared dead: Orleans' defaults unless Moneta:Cluster:FailureDetection says otherwise.
        silo.Configure<ClusterMembershipOptions>(section.GetSection("FailureDetection").Bind);
    }

    /// <summary>A silo that finds its cluster in a membership table: its identity and the address other silos reach it at.</summary>
    private static void UseMembershipTable(ISiloBuilder silo, ClusterSettings cluster, bool development)
    {
        silo.Configure<ClusterOptions>(options => (options.ClusterId, options.ServiceId) = (cluster.ClusterId, cluster.ServiceId));
        silo.Configure<EndpointOptions>(options =>
        {
            options.SiloPort = cluster.SiloPort;
            options.GatewayPort = cluster.GatewayPort;
            if (cluster.AdvertisedIpAddress(development) is { } address) options.AdvertisedIPAddress = address;
        });
    }

    private static void ApplyRuntimeSettings(ISiloBuilder silo, IConfiguration section)
    {
        var runtime = new RuntimeSettings();
        section.Bind(runtime);
        silo.Configure<GrainCollectionOptions>(options =>
        {
            options.CollectionAge = runtime.IdleTimeout;
            options.EnableActivationSheddingOnMemoryPressure = true;
            options.MemoryUsageLimitPercentage = runtime.MemoryUsageLimitPercentage;
            options.MemoryUsageTargetPercentage = runtime.MemoryUsageTargetPercentage;
        });
        silo.Configure<SiloMessagingOptions>(options => options.ResponseTimeout = runtime.CallTimeout);
    }

    /// <summary>
    /// The Orleans Dashboard, polling each silo's runtime statistics (and, while someone watches, refreshing its grain
    /// statistics) every 5 s instead of every second. Its OpenTelemetry reader stays at the 1 s that Orleans.Dashboard
    /// fixes internally; what that reader's gauges cost is kept small by keeping few activations (ADR 0012 §6 and §9).
    /// </summary>
    private static void AddDashboard(ISiloBuilder silo, IConfiguration dashboard, bool development)
    {
        var interval = dashboard.GetValue<TimeSpan?>("CounterUpdateInterval") ?? TimeSpan.FromSeconds(5);
        if (interval < TimeSpan.FromSeconds(1) || interval > TimeSpan.FromMinutes(1))
            throw new InvalidOperationException($"Moneta:Dashboard:CounterUpdateInterval must be between 00:00:01 and 00:01:00; it is {interval:c}.");
        silo.AddDashboard(options =>
        {
            // The dashboard's log stream (/dashboard/Trace) shows every log line: development only.
            options.HideTrace = !development;
            options.CounterUpdateIntervalMs = (int)interval.TotalMilliseconds;
        });
    }

    private static void AddStorage(ISiloBuilder silo, IConfiguration config, string storagePath)
    {
        var outbox = new OutboxOptions();
        config.GetSection("Runtime").Bind(outbox);
        switch (config["Storage:Provider"] ?? "Sqlite")
        {
            case "Sqlite":
                var options = new SqliteStorageOptions { Path = storagePath };
                config.GetSection("Storage:Sqlite").Bind(options);
                silo.Services.AddSingleton(options);
                silo.AddMonetaRuntime<SqliteStateStore>(outbox);
                break;
            case "DynamoDB":
                var dynamo = new DynamoDbStorageOptions();
                config.GetSection("Storage:DynamoDB").Bind(dynamo);
                silo.Services.AddSingleton(dynamo);
                silo.AddMonetaRuntime<DynamoDbStateStore>(outbox);
                silo.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, DynamoDbTablesCheck>();
                break;
            case "InMemory":
                silo.AddMonetaRuntime<InMemoryStateStore>(outbox);
                break;
            case var other:
                throw new InvalidOperationException($"Moneta:Storage:Provider '{other}' is not supported; use Sqlite, DynamoDB or InMemory.");
        }
    }
}
