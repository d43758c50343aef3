using System.Net;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;
using Moneta.Crypto;
using Moneta.Silo;
using Moneta.Tests.Crypto;
using Moneta.Tests.Support;

namespace Moneta.Tests.Api;

/// <summary>Moneta rotates its own signing key without breaking old countersignatures or live access tokens.</summary>
public sealed class MonetaKeyRotationTests
{
    [Fact]
    public async Task A_countersignature_made_before_a_rotation_still_verifies_after_it()
    {
        using var directory = new TempDirectory();
        using var oldKey = SigningKey.Generate();
        using var newKey = SigningKey.Generate();
        var contractId = await FinalizeContractAsync(directory, oldKey);

        await using var rotated = await TestSilo.StartAsync(directory.Path, Keys(newKey, verifyOnly: oldKey));

        var verification = await Json.ReadAsync(await rotated.Admin.GetAsync($"/api/v1/contracts/{contractId}/verification"), HttpStatusCode.OK);
        Assert.True(verification["verified"]!.GetValue<bool>());
        Assert.Equal(oldKey.Kid, MonetaEntry(verification)["kid"]!.GetValue<string>());

        var jwks = await Json.ReadAsync(await rotated.Anonymous.GetAsync("/.well-known/jwks.json"), HttpStatusCode.OK);
        Assert.Equal([newKey.Kid, oldKey.Kid], jwks["keys"]!.AsArray().Select(k => k!["kid"]!.GetValue<string>()));

        var scenario = await ContractScenario.CreateAsync(rotated);
        var contract = await scenario.InitiateAsync();
        Assert.Equal(newKey.Kid, contract["signatures_map"]!["moneta"]!["kid"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_silo_that_drops_the_previous_key_cannot_vouch_for_its_countersignatures()
    {
        using var directory = new TempDirectory();
        using var oldKey = SigningKey.Generate();
        using var newKey = SigningKey.Generate();
        var contractId = await FinalizeContractAsync(directory, oldKey);

        await using var rotated = await TestSilo.StartAsync(directory.Path, Keys(newKey));

        var verification = await Json.ReadAsync(await rotated.Admin.GetAsync($"/api/v1/contracts/{contractId}/verification"), HttpStatusCode.OK);
        Assert.False(verification["verified"]!.GetValue<bool>());
        Assert.False(MonetaEntry(verification)["valid"]!.GetValue<bool>());
    }

    [Fact]
    public async Task During_a_rolling_rotation_a_token_from_either_key_works_on_every_silo()
    {
        using var directory = new TempDirectory();
        using var oldKey = SigningKey.Generate();
        using var newKey = SigningKey.Generate();
        await using var notYetRotated = await TestSilo.StartAsync(directory.Path, Keys(oldKey, verifyOnly: newKey));
        await using var rotated = await TestSilo.StartAsync(directory.Path, Keys(newKey, verifyOnly: oldKey));
        await using var forgotTheOldKey = await TestSilo.StartAsync(directory.Path, Keys(newKey));

        var onOldKey = await ContractScenario.CreateAsync(notYetRotated);
        var onNewKey = await ContractScenario.CreateAsync(rotated);
        var mpassUrl = $"/api/v1/mpass/{onOldKey.MpassId}";

        using var oldTokenOnRotated = rotated.NewClient(onOldKey.Mo.AccessToken);
        await Json.ReadAsync(await oldTokenOnRotated.GetAsync(mpassUrl), HttpStatusCode.OK);
        using var newTokenOnNotYetRotated = notYetRotated.NewClient(onNewKey.Mo.AccessToken);
        await Json.ReadAsync(await newTokenOnNotYetRotated.GetAsync($"/api/v1/mpass/{onNewKey.MpassId}"), HttpStatusCode.OK);
        using var oldTokenWithoutTheOldKey = forgotTheOldKey.NewClient(onOldKey.Mo.AccessToken);
        await Json.ProblemAsync(await oldTokenWithoutTheOldKey.GetAsync(mpassUrl), HttpStatusCode.Unauthorized, "invalid_token");
    }

    /// <summary>A key set, the code it is refused with, and a secret in it that the refusal must not repeat.</summary>
    public static TheoryData<string, string, string?> RefusedKeySets()
    {
        using var signing = SigningKey.Generate();
        using var rsa = RSA.Create(2048);
        var privateJwk = JsonNode.Parse(signing.ToPrivateJwk())!;
        return new TheoryData<string, string, string?>
        {
            { KeySet(privateJwk), "private_key_material", privateJwk["d"]!.GetValue<string>() },
            { KeySet(TestKeys.RsaJwk(rsa, "RS256")), "unsupported_key", null },
            { KeySet(signing.PublicKey.ToPublicJwk(), signing.PublicKey.ToPublicJwk()), "invalid_jwk", null },
            { "[]", "invalid_jwk", null },
            { "{\"keys\":", "invalid_jwk", null },
        };
    }

    [Theory]
    [MemberData(nameof(RefusedKeySets))]
    public void A_verify_only_key_set_that_is_not_public_es256_keys_stops_the_silo(string keySet, string code, string? secret)
    {
        using var directory = new TempDirectory();
        var refused = Assert.Throws<InvalidOperationException>(() => MonetaSilo.Build([], builder =>
        {
            builder.Environment.EnvironmentName = "Development";
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Moneta:AdminToken"] = TestSilo.AdminToken,
                ["Moneta:Storage:Sqlite:Path"] = Path.Combine(directory.Path, "moneta.db"),
                ["Moneta:Signing:VerifyOnlyKeys"] = keySet,
            });
        }));

        Assert.Contains("Moneta:Signing:VerifyOnlyKeys", refused.Message, StringComparison.Ordinal);
        Assert.Contains($"({code})", refused.Message, StringComparison.Ordinal);
        if (secret is not null) Assert.DoesNotContain(secret, refused.Message, StringComparison.Ordinal);
    }

    private static async Task<string> FinalizeContractAsync(TempDirectory directory, SigningKey monetaKey)
    {
        await using var silo = await TestSilo.StartAsync(directory.Path, Keys(monetaKey));
        var finalized = await OrganizationLifecycleTests.FinalizeAsync(await ContractScenario.CreateAsync(silo));
        return finalized["contract_id"]!.GetValue<string>();
    }

    private static Dictionary<string, string?> Keys(SigningKey signing, SigningKey? verifyOnly = null) => new()
    {
        ["Moneta:Signing:PrivateJwk"] = signing.ToPrivateJwk(),
        ["Moneta:Signing:VerifyOnlyKeys"] = verifyOnly is null ? null : KeySet(verifyOnly.PublicKey.ToPublicJwk()),
    };

    private static string KeySet(params JsonNode[] keys) => new JsonObject { ["keys"] = new JsonArray(keys) }.ToJsonString();

    private static JsonNode MonetaEntry(JsonNode verification) =>
        verification["signatures"]!.AsArray().Single(s => s!["role"]!.GetValue<string>() == "moneta")!;
}
