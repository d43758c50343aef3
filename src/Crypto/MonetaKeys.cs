using System.Text.Json;

namespace Moneta.Crypto;

/// <summary>
/// Every key Moneta publishes: the one it signs with now, and the ones it only verifies with. A rotation
/// publishes the next key before any silo signs with it and keeps the previous one, so access tokens issued on
/// either side of the switch keep working and every countersignature Moneta ever made stays verifiable.
/// </summary>
public sealed class MonetaKeys
{
    private readonly Dictionary<string, PartnerKey> _byKid;

    /// <exception cref="InvalidJwkException">A verify-only key is not an ES256 key, or two keys share a kid.</exception>
    public MonetaKeys(SigningKey signing, IReadOnlyList<PartnerKey> verifyOnly)
    {
        ArgumentNullException.ThrowIfNull(signing);
        ArgumentNullException.ThrowIfNull(verifyOnly);

        Signing = signing;
        Published = [signing.PublicKey, .. verifyOnly];
        _byKid = new Dictionary<string, PartnerKey>(StringComparer.Ordinal);
        foreach (var key in Published)
        {
            if (key.Algorithm != signing.Algorithm)
                throw JwkMembers.Unsupported($"Moneta's key \"{key.Kid}\" is {key.Algorithm}; Moneta signs and verifies with {signing.Algorithm} only.");
            if (!_byKid.TryAdd(key.Kid, key))
                throw JwkMembers.Invalid($"Two of Moneta's keys have the kid \"{key.Kid}\"; a signature must name exactly one key.");
        }
    }

    /// <summary>The key new countersignatures and access tokens are made with.</summary>
    public SigningKey Signing { get; }

    /// <summary>The signing key first, then the verify-only keys: what <c>/.well-known/jwks.json</c> lists.</summary>
    public IReadOnlyList<PartnerKey> Published { get; }

    public PartnerKey? Find(string kid) => _byKid.GetValueOrDefault(kid);

    /// <summary>Public keys from a JWKS document (<c>{"keys":[...]}</c>); private members are refused.</summary>
    /// <exception cref="InvalidJwkException">The document or one of its keys is not acceptable.</exception>
    public static IReadOnlyList<PartnerKey> ParseJwks(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        try
        {
            using var document = JsonDocument.Parse(json);
            if (document.RootElement.ValueKind != JsonValueKind.Object
                || !document.RootElement.TryGetProperty("keys", out var keys)
                || keys.ValueKind != JsonValueKind.Array)
            {
                throw JwkMembers.Invalid("A key set is a JSON object with a \"keys\" array (RFC 7517 section 5).");
            }

            return [.. keys.EnumerateArray().Select(PartnerKey.Parse)];
        }
        catch (JsonException e)
        {
            throw JwkMembers.Invalid($"The key set is not valid JSON: {e.Message}");
        }
    }
}
