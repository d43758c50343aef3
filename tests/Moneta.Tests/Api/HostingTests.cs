using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Moneta.Api.Auth;
using Moneta.Crypto;
using Moneta.Runtime.Messaging;
using Moneta.Silo;
using Moneta.Tests.Support;
using Orleans.Configuration;
using Orleans.Dashboard;
using Orleans.Metadata;

namespace Moneta.Tests.Api;

public sealed class HostingTests(SiloFixture fixture) : IClassFixture<SiloFixture>
{
    [Fact]
    public async Task The_openapi_document_describes_the_contract_routes()
    {
        var document = await Json.ReadAsync(await fixture.Silo.Anonymous.GetAsync("/openapi/v1.json"), HttpStatusCode.OK);

        var paths = document["paths"]!.AsObject().Select(p => p.Key).ToList();
        Assert.Contains("/api/v1/contracts", paths);
        Assert.Contains("/api/v1/contracts/{id}/signatures", paths);
        Assert.Contains("/api/v1/auth/token", paths);
    }

    [Fact]
    public async Task An_expired_access_token_signed_by_moneta_is_refused()
    {
        var scenario = await ContractScenario.CreateAsync(fixture.Silo);
        using var monetaKey = SigningKey.LoadOrCreate(Path.Combine(fixture.DataDirectory, "moneta-signing-key.jwk.json"));
        var past = DateTime.UtcNow.AddHours(-1);
        var expired = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = TestSilo.Issuer,
            Audience = TestSilo.Issuer,
            TokenType = "at+jwt",
            IssuedAt = past,
            NotBefore = past,
            Expires = past.AddMinutes(10),
            Claims = new Dictionary<string, object> { ["sub"] = scenario.Mo.Id, ["org_kind"] = "mo" },
            SigningCredentials = new SigningCredentials(new ECDsaSecurityKey(monetaKey.CreatePrivateAlgorithm()) { KeyId = monetaKey.Kid }, SecurityAlgorithms.EcdsaSha256),
        });

        using var client = fixture.Silo.NewClient(expired);
        await Json.ProblemAsync(await client.GetAsync($"/api/v1/mpass/{scenario.MpassId}"), HttpStatusCode.Unauthorized, "invalid_token");
        await Json.ReadAsync(await scenario.Mo.Http.GetAsync($"/api/v1/mpass/{scenario.MpassId}"), HttpStatusCode.OK);
    }

    [Fact]
    public async Task A_silo_without_runtime_settings_uses_the_documented_runtime_defaults()
    {
        using var directory = new TempDirectory();
        await using var silo = BuildProductionSilo(directory, []);
        var collection = silo.Services.GetRequiredService<IOptions<GrainCollectionOptions>>().Value;
        var messaging = silo.Services.GetRequiredService<IOptions<SiloMessagingOptions>>().Value;
        var outbox = silo.Services.GetRequiredService<OutboxOptions>();
        var cluster = silo.Services.GetRequiredService<IOptions<ClusterOptions>>().Value;

        // The values README.md's configuration table promises operators, as Orleans applies them.
        Assert.Equal(TimeSpan.FromMinutes(15), collection.CollectionAge);
        Assert.True(collection.EnableActivationSheddingOnMemoryPressure);
        Assert.Equal((80, 75), (collection.MemoryUsageLimitPercentage, collection.MemoryUsageTargetPercentage));
        Assert.Equal(TimeSpan.FromSeconds(30), messaging.ResponseTimeout);
        Assert.Equal(("moneta-dev", "moneta"), (cluster.ClusterId, cluster.ServiceId));
        Assert.Equal(TimeSpan.FromMinutes(1), outbox.MessageLease);
        Assert.Equal(TimeSpan.FromSeconds(1), outbox.MessagePollInterval);
        Assert.Equal(64, outbox.MaxMessagesInFlight);
        Assert.Equal(64, outbox.MaxEventsPerRun);
        Assert.Equal(5000, silo.Services.GetRequiredService<IOptions<DashboardOptions>>().Value.CounterUpdateIntervalMs);
    }

    [Fact]
    public async Task Grains_busy_for_seconds_leave_memory_after_two_idle_minutes_and_the_rest_after_the_idle_timeout()
    {
        using var directory = new TempDirectory();
        await using var silo = BuildProductionSilo(directory, []);
        var properties = silo.Services.GetRequiredService<GrainPropertiesResolver>();

        TimeSpan? IdleLimitOf(string grainType) =>
            properties.GetGrainProperties(GrainType.Create(grainType)).Properties.TryGetValue(WellKnownGrainTypeProperties.IdleDeactivationPeriod, out var value)
                ? TimeSpan.Parse(value, CultureInfo.InvariantCulture)
                : null;

        foreach (var transient in new[] { "contract", "webhookdispatcher", "webhookdelivery", "idempotencykey", "clientassertion", "auditarchive", "settlementline", "settlementlinepage" })
            Assert.Equal(TimeSpan.FromMinutes(2), IdleLimitOf(transient));
        foreach (var resident in new[] { "organization", "mpass", "webhookendpoints", "settlementaccount", "settlementbatch" })
            Assert.Null(IdleLimitOf(resident)); // Moneta:Runtime:IdleTimeout applies
    }

    [Theory]
    [InlineData("Moneta:AdminToken")]
    [InlineData("Moneta:Issuer")]
    [InlineData("Moneta:Signing:KeyFile")]
    public void Production_refuses_to_start_without_its_secrets_and_issuer(string missing)
    {
        using var directory = new TempDirectory();
        var settings = new Dictionary<string, string?>
        {
            ["Moneta:AdminToken"] = TestSilo.AdminToken,
            ["Moneta:Issuer"] = TestSilo.Issuer,
            ["Moneta:Signing:KeyFile"] = Path.Combine(directory.Path, "key.json"),
            ["Moneta:Storage:Sqlite:Path"] = Path.Combine(directory.Path, "moneta.db"),
        };
        File.WriteAllText(settings["Moneta:Signing:KeyFile"]!, SigningKey.Generate().ToPrivateJwk());
        settings.Remove(missing);

        var refused = Assert.Throws<InvalidOperationException>(() => MonetaSilo.Build([], builder =>
        {
            builder.Environment.EnvironmentName = "Production";
            builder.Configuration.AddInMemoryCollection(settings);
        }));
        Assert.Contains(missing.Split(':')[^1], refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Moneta_Auth_cannot_replace_the_checked_admin_token_and_issuer_but_may_shorten_assertions()
    {
        using var directory = new TempDirectory();
        await using var silo = BuildProductionSilo(directory, new()
        {
            ["Moneta:Auth:AdminToken"] = "short",
            ["Moneta:Auth:Issuer"] = "https://elsewhere.example",
            ["Moneta:Auth:MaxAssertionLifetime"] = "00:02:00",
        });
        var auth = silo.Services.GetRequiredService<MonetaAuthOptions>();

        Assert.Equal(TestSilo.AdminToken, auth.AdminToken);
        Assert.Equal(TestSilo.Issuer, auth.Issuer);
        Assert.Equal(TimeSpan.FromMinutes(2), auth.MaxAssertionLifetime);
    }

    [Theory]
    [InlineData("Moneta:Auth:MaxAssertionLifetime", "00:05:01")]
    [InlineData("Moneta:Auth:MaxAssertionLifetime", "01:00:00")]
    [InlineData("Moneta:Auth:MaxAssertionLifetime", "00:00:00")]
    [InlineData("Moneta:Auth:ClockSkew", "00:05:01")]
    [InlineData("Moneta:Auth:ClockSkew", "-00:00:01")]
    [InlineData("Moneta:Auth:AccessTokenLifetime", "01:00:01")]
    [InlineData("Moneta:Auth:AccessTokenLifetime", "00:00:00")]
    [InlineData("Moneta:Dashboard:CounterUpdateInterval", "00:00:00.500")]
    [InlineData("Moneta:Dashboard:CounterUpdateInterval", "00:01:01")]
    public void A_token_lifetime_clock_skew_or_dashboard_interval_outside_its_bounds_refuses_to_start(string setting, string value)
    {
        using var directory = new TempDirectory();

        var refused = Assert.Throws<InvalidOperationException>(() => BuildProductionSilo(directory, new() { [setting] = value }));
        Assert.Contains(setting, refused.Message, StringComparison.Ordinal);
    }

    /// <summary>A production silo with its secrets, issuer and in-memory storage, plus <paramref name="more"/> settings.</summary>
    private static WebApplication BuildProductionSilo(TempDirectory directory, Dictionary<string, string?> more)
    {
        var keyFile = Path.Combine(directory.Path, "key.json");
        File.WriteAllText(keyFile, SigningKey.Generate().ToPrivateJwk());
        var settings = new Dictionary<string, string?>
        {
            ["Moneta:AdminToken"] = TestSilo.AdminToken,
            ["Moneta:Issuer"] = TestSilo.Issuer,
            ["Moneta:Signing:KeyFile"] = keyFile,
            ["Moneta:Storage:Provider"] = "InMemory",
        };
        foreach (var (key, value) in more)
            settings[key] = value;

        return MonetaSilo.Build([], builder =>
        {
            builder.Environment.EnvironmentName = "Production";
            builder.Configuration.AddInMemoryCollection(settings);
        });
    }
}
