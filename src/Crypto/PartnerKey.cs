using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Moneta.Crypto;

/// <summary>
/// A partner's public signing key, parsed from a JWK and checked once so that verifying a signature is
/// only a signature check. Accepts EC P-256 (ES256) and RSA of at least 2048 bits (RS256 or PS256).
/// </summary>
[SuppressMessage(
    "Design",
    "CA1001:Types that own disposable fields should be disposable",
    Justification = "Partner keys sit in shared caches with no single owner to dispose them; the pooled instances hold only public key material and their handles are released by finalization.")]
public sealed class PartnerKey
{
    private const int MinRsaBits = 2048;

    // OpenSSL's and Windows' own ceiling; a larger modulus only makes every verification slower.
    private const int MaxRsaBits = 16384;

    private static readonly string[] PrivateMembers = ["d", "p", "q", "dp", "dq", "qi", "oth", "k"];

    // The RFC 7638 required members: what the thumbprint is computed over and what ToPublicJwk exposes.
    private readonly KeyValuePair<string, string>[] _keyMembers;
    private readonly Func<AsymmetricAlgorithm> _import;
    private readonly AlgorithmPool<AsymmetricAlgorithm> _pool;
    private readonly int _signatureLength;
    private readonly RSASignaturePadding? _rsaPadding;

    private PartnerKey(
        string? kid,
        string algorithm,
        KeyValuePair<string, string>[] keyMembers,
        AsymmetricAlgorithm imported,
        Func<AsymmetricAlgorithm> import,
        int signatureLength,
        RSASignaturePadding? rsaPadding = null)
    {
        _keyMembers = keyMembers;
        Thumbprint = ComputeThumbprint(keyMembers);
        Kid = kid ?? Thumbprint;
        Algorithm = algorithm;
        KeyType = keyMembers.Single(m => m.Key == "kty").Value;
        _signatureLength = signatureLength;
        _rsaPadding = rsaPadding;
        _import = import;
        _pool = new AlgorithmPool<AsymmetricAlgorithm>(import);
        _pool.Return(imported);
    }

    public string Kid { get; }

    /// <summary>The JWS alg this key verifies: "ES256", "RS256" or "PS256".</summary>
    public string Algorithm { get; }

    /// <summary>The JWK kty: "EC" or "RSA".</summary>
    public string KeyType { get; }

    /// <summary>RFC 7638 SHA-256 JWK thumbprint, base64url: the same value any JOSE library computes for this key.</summary>
    public string Thumbprint { get; }

    /// <exception cref="InvalidJwkException">The key is malformed, unsupported, too weak, or private.</exception>
    public static PartnerKey Parse(JsonElement jwk)
    {
        var members = JwkMembers.Read(jwk);

        foreach (var name in PrivateMembers)
        {
            if (members.Contains(name))
            {
                throw new InvalidJwkException(
                    JwkErrorCode.PrivateKeyMaterial,
                    $"The JWK contains the private member \"{name}\". Send only the public key, and since this private key has left your system, replace it.");
            }
        }

        var kid = members.OptionalString("kid");
        if (string.IsNullOrEmpty(kid))
            throw new InvalidJwkException(JwkErrorCode.KidRequired, "The JWK needs a \"kid\" so that signatures can name the key that made them.");
        if (!KeyId.IsValid(kid))
            throw JwkMembers.Invalid(KeyId.Rule);

        var use = members.OptionalString("use");
        if (use is not null && use != "sig")
            throw JwkMembers.Unsupported($"The JWK has \"use\":\"{use}\"; a partner key must be a signing key (\"use\":\"sig\", or no use member).");

        // RFC 7517 §4.3: the operations the key is for. Moneta only ever verifies with a partner key, and a key
        // declared for anything else (encryption, or signing with the private half) is not meant for that.
        if (members.OptionalStringArray("key_ops") is { } operations && operations is not ["verify"])
            throw JwkMembers.Unsupported($"The JWK has \"key_ops\":[{string.Join(",", operations.Select(o => $"\"{o}\""))}]; a partner key is only used to verify, so send \"key_ops\":[\"verify\"] or no key_ops member.");

        var keyType = members.RequiredString("kty");
        return keyType switch
        {
            "EC" => ParseEc(members, kid),
            "RSA" => ParseRsa(members, kid),
            _ => throw JwkMembers.Unsupported($"The key type \"{keyType}\" is not supported; send an EC P-256 key (ES256) or an RSA key (RS256 or PS256)."),
        };
    }

    /// <summary>The public half of one of our own ES256 keys; without a kid, the thumbprint is the kid.</summary>
    internal static PartnerKey FromEs256PublicKey(ECParameters publicKey, string? kid)
    {
        var imported = ECDsa.Create(publicKey);
        return new PartnerKey(kid, "ES256", EcMembers(publicKey.Q), imported, () => ECDsa.Create(publicKey), 64);
    }

    /// <summary>A fresh, caller-owned instance, for libraries that want one (for instance a JWT validator).</summary>
    public AsymmetricAlgorithm CreateAlgorithm() => _import();

    /// <summary>The key as a JWK with only public members, plus kid, alg and "use":"sig".</summary>
    public JsonObject ToPublicJwk()
    {
        var jwk = new JsonObject();
        foreach (var (name, value) in _keyMembers)
            jwk[name] = value;
        jwk["kid"] = Kid;
        jwk["alg"] = Algorithm;
        jwk["use"] = "sig";
        return jwk;
    }

    /// <summary>
    /// Checks a signature in its JWS encoding: 64-byte r||s for ES256, a modulus-sized block for RS256 and PS256.
    /// Returns false for any signature that does not verify, whatever its length or content.
    /// </summary>
    public bool Verify(ReadOnlySpan<byte> signingInput, ReadOnlySpan<byte> signature)
    {
        if (signature.Length != _signatureLength)
            return false;

        var algorithm = _pool.Rent();
        try
        {
            return algorithm is ECDsa ecdsa
                ? ecdsa.VerifyData(signingInput, signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation)
                : ((RSA)algorithm).VerifyData(signingInput, signature, HashAlgorithmName.SHA256, _rsaPadding!);
        }
        catch (CryptographicException)
        {
            return false;
        }
        finally
        {
            _pool.Return(algorithm);
        }
    }

    private static PartnerKey ParseEc(JwkMembers members, string kid)
    {
        var curve = members.RequiredString("crv");
        if (curve != "P-256")
            throw JwkMembers.Unsupported($"The curve \"{curve}\" is not supported; EC keys must use P-256.");

        var algorithm = members.OptionalString("alg") ?? "ES256";
        if (algorithm != "ES256")
            throw JwkMembers.Unsupported($"The alg \"{algorithm}\" does not fit a P-256 key; use ES256 or leave alg out.");

        var publicKey = new ECParameters
        {
            Curve = ECCurve.NamedCurves.nistP256,
            Q = new ECPoint { X = members.FixedBytes("x", 32), Y = members.FixedBytes("y", 32) },
        };

        ECDsa imported;
        try
        {
            imported = ECDsa.Create(publicKey);
        }
        catch (CryptographicException e)
        {
            throw JwkMembers.Invalid($"The point (x, y) is not on the P-256 curve: {e.Message}");
        }

        return new PartnerKey(kid, algorithm, EcMembers(publicKey.Q), imported, () => ECDsa.Create(publicKey), 64);
    }

    private static PartnerKey ParseRsa(JwkMembers members, string kid)
    {
        // The key alone does not say which padding it signs with, and guessing would let a signature made
        // under one scheme be checked under the other.
        var algorithm = members.OptionalString("alg")
            ?? throw JwkMembers.Invalid("RSA keys must state \"alg\": \"RS256\" or \"PS256\".");
        var padding = algorithm switch
        {
            "RS256" => RSASignaturePadding.Pkcs1,
            "PS256" => RSASignaturePadding.Pss,
            _ => throw JwkMembers.Unsupported($"The alg \"{algorithm}\" is not supported for RSA keys; use RS256 or PS256."),
        };

        // RFC 7518 §6.3.1: the fewest octets. A zero sign byte (as some ASN.1-minded libraries add) changes the
        // member, so the RFC 7638 thumbprint the partner computes would not be the one Moneta computes.
        var modulus = MinimalOctets(members.Bytes("n"), "n");
        var exponent = MinimalOctets(members.Bytes("e"), "e");

        var bits = BitLength(modulus);
        if (bits < MinRsaBits)
            throw new InvalidJwkException(JwkErrorCode.WeakKey, $"The RSA modulus has {bits} bits; at least {MinRsaBits} are required.");
        if (bits > MaxRsaBits)
            throw JwkMembers.Unsupported($"The RSA modulus has {bits} bits; at most {MaxRsaBits} are supported.");

        // A modulus is the product of two odd primes; an even one is not a key anyone can hold the private half of.
        if ((modulus[^1] & 1) == 0)
            throw JwkMembers.Invalid("The RSA modulus n is even, so it is not the modulus of an RSA key pair; send the n of your key pair, base64url-encoded, most significant byte first.");

        // e = 1 would make every message its own signature; a real key uses 65537.
        if (exponent.Length is 0 or > 4 || (exponent[^1] & 1) == 0 || exponent is [1])
            throw JwkMembers.Invalid("The RSA exponent e must be an odd number from 3 to 2^32 - 1, normally 65537 (\"AQAB\").");

        var publicKey = new RSAParameters { Modulus = modulus, Exponent = exponent };
        RSA imported;
        try
        {
            imported = RSA.Create(publicKey);
        }
        catch (CryptographicException e)
        {
            throw JwkMembers.Invalid($"The RSA key could not be loaded: {e.Message}");
        }

        KeyValuePair<string, string>[] keyMembers =
        [
            new("kty", "RSA"),
            new("n", StrictBase64Url.Encode(modulus)),
            new("e", StrictBase64Url.Encode(exponent)),
        ];
        return new PartnerKey(kid, algorithm, keyMembers, imported, () => RSA.Create(publicKey), modulus.Length, padding);
    }

    private static KeyValuePair<string, string>[] EcMembers(ECPoint q) =>
    [
        new("kty", "EC"),
        new("crv", "P-256"),
        new("x", StrictBase64Url.Encode(q.X)),
        new("y", StrictBase64Url.Encode(q.Y)),
    ];

    private static string ComputeThumbprint(KeyValuePair<string, string>[] keyMembers)
    {
        // RFC 7638's form (required members only, sorted, no whitespace) is what RFC 8785 produces for them.
        var requiredMembers = new JsonObject();
        foreach (var (name, value) in keyMembers)
            requiredMembers[name] = value;
        return StrictBase64Url.Encode(SHA256.HashData(JsonCanonicalizer.Canonicalize(requiredMembers)));
    }

    private static byte[] MinimalOctets(byte[] number, string name) =>
        number[0] != 0
            ? number
            : throw JwkMembers.Invalid($"The RSA member \"{name}\" starts with a zero octet; RFC 7518 §6.3.1 wants the minimum number of octets, so drop the leading zero byte(s) before base64url-encoding it.");

    private static int BitLength(byte[] number) =>
        number.Length == 0 ? 0 : ((number.Length - 1) * 8) + (32 - int.LeadingZeroCount(number[0]));
}
