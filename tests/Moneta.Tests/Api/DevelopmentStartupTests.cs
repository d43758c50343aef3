using System.Net;
using System.Net.Http.Json;
using Moneta.Tests.Support;

namespace Moneta.Tests.Api;

/// <summary>What a newcomer's first `dotnet run` does: discovery names the address the silo listens on, and the admin token survives restarts.</summary>
public sealed class DevelopmentStartupTests
{
    [Fact]
    public async Task Without_a_configured_issuer_discovery_names_the_address_the_silo_listens_on_and_tokens_follow_it()
    {
        using var directory = new TempDirectory();
        await using var silo = await TestSilo.StartAsync(directory.Path, new Dictionary<string, string?> { ["Moneta:Issuer"] = null });
        var listening = silo.BaseAddress.GetLeftPart(UriPartial.Authority);

        var discovery = await Json.ReadAsync(await silo.Anonymous.GetAsync("/.well-known/openid-configuration"), HttpStatusCode.OK);
        Assert.Equal(listening, discovery["issuer"]!.GetValue<string>());
        Assert.Equal(listening + "/api/v1/auth/token", discovery["token_endpoint"]!.GetValue<string>());

        var partner = await TestPartner.RegisterAsync(silo, "mo", activate: false);
        await Json.ReadAsync(await silo.Admin.PutAsJsonAsync($"/api/v1/organizations/mo/{partner.Id}/status", new { status = "active" }), HttpStatusCode.OK);
        var token = await Json.ReadAsync(await partner.RequestTokenAsync(partner.CreateAssertion(audience: listening)), HttpStatusCode.OK);
        using var client = silo.NewClient(token["access_token"]!.GetValue<string>());
        await Json.ReadAsync(await client.GetAsync($"/api/v1/organizations/mo/{partner.Id}"), HttpStatusCode.OK);
    }

    [Fact]
    public async Task The_development_admin_token_is_kept_beside_the_signing_key_and_survives_a_restart()
    {
        using var directory = new TempDirectory();
        var settings = new Dictionary<string, string?> { ["Moneta:AdminToken"] = null };
        var file = Path.Combine(directory.Path, "moneta-admin-token");

        await using (var first = await TestSilo.StartAsync(directory.Path, settings))
        {
            Assert.True(File.Exists(file));
            if (!OperatingSystem.IsWindows()) Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
            using var admin = first.NewClient(File.ReadAllText(file));
            await Json.ReadAsync(await admin.GetAsync("/api/v1/organizations/mo?limit=1"), HttpStatusCode.OK);
        }

        var token = File.ReadAllText(file);
        await using var second = await TestSilo.StartAsync(directory.Path, settings);
        using var again = second.NewClient(token);
        await Json.ReadAsync(await again.GetAsync("/api/v1/organizations/mo?limit=1"), HttpStatusCode.OK);
        Assert.Equal(token, File.ReadAllText(file));
    }
}
