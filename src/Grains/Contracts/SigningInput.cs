using System.Text.Json;
using System.Text.Json.Nodes;
using Moneta.Crypto;
using Moneta.Errors;

namespace Moneta.Grains.Contracts;

/// <summary>
/// What each role signs (docs/protocol.md): the RFC 8785 canonical JSON of the contract's terms, the signer's
/// role and the signature of the step before. Chaining <c>previous</c> makes the signing order cryptographic.
/// </summary>
public static class SigningInput
{
    public static byte[] For(ContractState contract, string signer, string? previous) =>
        JsonCanonicalizer.Canonicalize(Terms(contract, signer, previous));

    /// <summary>A rejection is signed over the same terms plus the reason, so a party cannot be said to have declined what it did not.</summary>
    public static byte[] ForRejection(ContractState contract, string signer, string? previous, string reason)
    {
        var terms = Terms(contract, signer, previous);
        terms["rejection"] = new JsonObject { ["reason"] = reason };
        return JsonCanonicalizer.Canonicalize(terms);
    }

    private static JsonObject Terms(ContractState contract, string signer, string? previous) => new()
    {
        ["contract_id"] = contract.ContractId,
        ["template_id"] = contract.TemplateId,
        ["template_version"] = contract.TemplateVersion,
        ["mo_id"] = contract.MoId,
        ["publisher_id"] = contract.PublisherId,
        ["mpass_id"] = contract.MpassId,
        ["payload"] = JsonObject.Create(contract.Payload),
        ["signer"] = signer,
        ["previous"] = previous,
    };

    /// <summary>
    /// The SHA-256 of the request's canonical form. A request with no canonical form (a number beyond a double, a
    /// lone surrogate in the payload) can never be signed, so it is refused as an invalid payload.
    /// </summary>
    public static string Digest(JsonElement request)
    {
        try
        {
            return Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(JsonCanonicalizer.Canonicalize(request)));
        }
        catch (JsonCanonicalizationException e)
        {
            throw DomainException.Invalid(ErrorCodes.InvalidPayload, $"The payload has no canonical JSON form (RFC 8785), so it cannot be signed: {e.Message}");
        }
    }
}
