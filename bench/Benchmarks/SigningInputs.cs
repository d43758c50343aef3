using System.Text.Json.Nodes;
using Moneta.Crypto;

namespace Moneta.Benchmarks;

/// <summary>A realistic contract signing input, shaped as src/Grains/Contracts/SigningInput.cs builds it.</summary>
internal static class SigningInputs
{
    /// <summary>The publisher's step: the terms, signer "publisher" and Moneta's signature as <c>previous</c>.</summary>
    public static JsonObject Publisher(string previous) => new()
    {
        ["contract_id"] = "lg-3f9a1c2b7d4e-17-4242",
        ["template_id"] = "transaction-contract",
        ["template_version"] = 1,
        ["mo_id"] = "6f1c2a3e-8d4b-4c1a-9e2f-1a2b3c4d5e6f",
        ["publisher_id"] = "0b9e8d7c-6a5b-4c3d-8e2f-0a1b2c3d4e5f",
        ["mpass_id"] = "3c2b1a09-8f7e-4d6c-9b5a-4a3b2c1d0e9f",
        ["payload"] = new JsonObject { ["amount"] = "12.50", ["currency"] = "EUR", ["description"] = "Premium article bundle" },
        ["signer"] = "publisher",
        ["previous"] = previous,
    };

    /// <summary>A detached JWS of the right length to stand in for Moneta's signature in <c>previous</c>.</summary>
    public static string SamplePrevious()
    {
        using var key = SigningKey.Generate();
        return DetachedJws.Sign(key, "{}"u8);
    }
}
