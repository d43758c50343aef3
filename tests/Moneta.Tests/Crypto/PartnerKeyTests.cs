using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Moneta.Crypto;

namespace Moneta.Tests.Crypto;

public sealed class PartnerKeyTests
{
    private static readonly byte[] Message = Encoding.ASCII.GetBytes("header.payload");

    [Fact]
    public void An_EC_P256_key_without_alg_is_an_ES256_key()
    {
        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);

        var key = TestKeys.Parse(TestKeys.EcJwk(ecdsa));

        Assert.Equal("partner-ec-1", key.Kid);
        Assert.Equal("ES256", key.Algorithm);
        Assert.Equal("EC", key.KeyType);
    }

    [Theory]
    [InlineData("RS256")]
    [InlineData("PS256")]
    public void An_RSA_key_takes_its_algorithm_from_alg(string alg)
    {
        using var rsa = RSA.Create(2048);

        var key = TestKeys.Parse(TestKeys.RsaJwk(rsa, alg));

        Assert.Equal(alg, key.Algorithm);
        Assert.Equal("RSA", key.KeyType);
    }

    [Fact]
    public void The_thumbprint_is_the_RFC_7638_example_value()
    {
        var jwk = new JsonObject
        {
            ["kty"] = "RSA",
            ["n"] = "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw",
            ["e"] = "AQAB",
            ["alg"] = "RS256",
            ["kid"] = "2011-04-29",
        };

        Assert.Equal("NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs", TestKeys.Parse(jwk).Thumbprint);
    }

    [Fact]
    public void The_thumbprint_ignores_kid_alg_and_use()
    {
        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var plain = TestKeys.EcJwk(ecdsa, kid: "one");
        var decorated = TestKeys.EcJwk(ecdsa, kid: "two");
        decorated["alg"] = "ES256";
        decorated["use"] = "sig";

        Assert.Equal(TestKeys.Parse(plain).Thumbprint, TestKeys.Parse(decorated).Thumbprint);
    }

    [Fact]
    public void The_published_RFC_7515_ES256_signature_verifies()
    {
        var key = TestKeys.Parse(new JsonObject
        {
            ["kty"] = "EC",
            ["crv"] = "P-256",
            ["x"] = TestKeys.Rfc7515EcX,
            ["y"] = TestKeys.Rfc7515EcY,
            ["kid"] = "rfc7515-a3",
        });

        Assert.True(key.Verify(Encoding.ASCII.GetBytes(TestKeys.Rfc7515EcSigningInput), Base64Url.DecodeFromChars(TestKeys.Rfc7515EcSignature)));
    }

    [Fact]
    public void The_published_RFC_7515_RS256_signature_verifies()
    {
        var key = TestKeys.Parse(new JsonObject
        {
            ["kty"] = "RSA",
            ["n"] = TestKeys.Rfc7515RsaN,
            ["e"] = "AQAB",
            ["alg"] = "RS256",
            ["kid"] = "rfc7515-a2",
        });

        Assert.True(key.Verify(Encoding.ASCII.GetBytes(TestKeys.Rfc7515RsaSigningInput), Base64Url.DecodeFromChars(TestKeys.Rfc7515RsaSignature)));
    }

    [Fact]
    public void ES256_signatures_are_checked_in_their_64_byte_JWS_form()
    {
        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var key = TestKeys.Parse(TestKeys.EcJwk(ecdsa));
        var p1363 = ecdsa.SignData(Message, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        var der = ecdsa.SignData(Message, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);

        Assert.True(key.Verify(Message, p1363));
        Assert.False(key.Verify(Message, der));
        Assert.False(key.Verify(Encoding.ASCII.GetBytes("header.payloaD"), p1363));
    }

    [Fact]
    public void RSA_signatures_are_checked_with_the_padding_the_key_declares()
    {
        using var rsa = RSA.Create(2048);
        var rs256 = TestKeys.Parse(TestKeys.RsaJwk(rsa, "RS256"));
        var ps256 = TestKeys.Parse(TestKeys.RsaJwk(rsa, "PS256"));
        var pkcs1 = rsa.SignData(Message, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var pss = rsa.SignData(Message, HashAlgorithmName.SHA256, RSASignaturePadding.Pss);

        Assert.True(rs256.Verify(Message, pkcs1));
        Assert.True(ps256.Verify(Message, pss));
        Assert.False(rs256.Verify(Message, pss));
        Assert.False(ps256.Verify(Message, pkcs1));
    }

    [Fact]
    public void Garbage_signatures_are_false_rather_than_exceptions()
    {
        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var rsa = RSA.Create(2048);
        var ec = TestKeys.Parse(TestKeys.EcJwk(ecdsa));
        var rs = TestKeys.Parse(TestKeys.RsaJwk(rsa, "RS256"));

        byte[][] garbage =
        [
            [],
            new byte[1],
            new byte[63],
            new byte[64],
            Enumerable.Repeat((byte)0xFF, 64).ToArray(),
            RandomNumberGenerator.GetBytes(64),
            new byte[255],
            new byte[256],
            Enumerable.Repeat((byte)0xFF, 256).ToArray(),
            RandomNumberGenerator.GetBytes(256),
            RandomNumberGenerator.GetBytes(4096),
        ];

        foreach (var signature in garbage)
        {
            Assert.False(ec.Verify(Message, signature));
            Assert.False(rs.Verify(Message, signature));
        }
    }

    [Fact]
    public async Task Verify_gives_the_right_answers_from_many_threads_at_once()
    {
        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var key = TestKeys.Parse(TestKeys.EcJwk(ecdsa));
        var good = ecdsa.SignData(Message, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        var bad = (byte[])good.Clone();
        bad[10] ^= 1;

        var results = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => Task.Run(() =>
            Enumerable.Range(0, 200).All(i => key.Verify(Message, i % 2 == 0 ? good : bad) == (i % 2 == 0)))));

        Assert.All(results, Assert.True);
    }

    [Fact]
    public void The_public_JWK_has_only_public_members_and_parses_back_to_the_same_key()
    {
        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var key = TestKeys.Parse(TestKeys.EcJwk(ecdsa));

        var jwk = key.ToPublicJwk();
        var reparsed = TestKeys.Parse(jwk);

        Assert.Equal(["kty", "crv", "x", "y", "kid", "alg", "use"], jwk.Select(m => m.Key));
        Assert.Equal("sig", (string?)jwk["use"]);
        Assert.Equal(key.Thumbprint, reparsed.Thumbprint);
        Assert.Equal(key.Kid, reparsed.Kid);
    }

    [Fact]
    public void An_RSA_public_JWK_keeps_its_algorithm()
    {
        using var rsa = RSA.Create(2048);

        var jwk = TestKeys.Parse(TestKeys.RsaJwk(rsa, "PS256")).ToPublicJwk();

        Assert.Equal(["kty", "n", "e", "kid", "alg", "use"], jwk.Select(m => m.Key));
        Assert.Equal("PS256", (string?)jwk["alg"]);
    }

    [Fact]
    public void CreateAlgorithm_gives_an_independent_instance_of_the_same_key()
    {
        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var key = TestKeys.Parse(TestKeys.EcJwk(ecdsa));
        var signature = ecdsa.SignData(Message, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);

        using (var created = (ECDsa)key.CreateAlgorithm())
            Assert.True(created.VerifyData(Message, signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation));

        // Disposing the caller's copy must not break the key's own instances.
        Assert.True(key.Verify(Message, signature));
    }

    [Theory]
    [InlineData("d")]
    [InlineData("p")]
    [InlineData("q")]
    [InlineData("dp")]
    [InlineData("dq")]
    [InlineData("qi")]
    [InlineData("oth")]
    [InlineData("k")]
    public void Private_key_material_is_refused(string member)
    {
        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var jwk = TestKeys.EcJwk(ecdsa);
        jwk[member] = "AQAB";

        var refusal = TestKeys.Refusal(jwk);

        Assert.Equal(JwkErrorCode.PrivateKeyMaterial, refusal.Code);
        Assert.Contains($"\"{member}\"", refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_symmetric_key_is_refused_as_private_material()
    {
        Assert.Equal(JwkErrorCode.PrivateKeyMaterial, TestKeys.Refusal("""{"kty":"oct","k":"c2VjcmV0","kid":"s"}""").Code);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void A_kid_is_required(string? kid)
    {
        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var jwk = TestKeys.EcJwk(ecdsa);
        jwk.Remove("kid");
        if (kid is not null)
            jwk["kid"] = kid;

        Assert.Equal(JwkErrorCode.KidRequired, TestKeys.Refusal(jwk).Code);
    }

    [Theory]
    [InlineData("has space")]
    [InlineData("slash/kid")]
    [InlineData("quote\"kid")]
    [InlineData("ünïcode")]
    public void A_kid_outside_the_allowed_alphabet_is_refused(string kid)
    {
        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);

        Assert.Equal(JwkErrorCode.InvalidJwk, TestKeys.Refusal(TestKeys.EcJwk(ecdsa, kid)).Code);
    }

    [Fact]
    public void A_kid_may_be_128_characters_but_not_129()
    {
        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);

        Assert.Equal(new string('k', 128), TestKeys.Parse(TestKeys.EcJwk(ecdsa, new string('k', 128))).Kid);
        Assert.Equal(JwkErrorCode.InvalidJwk, TestKeys.Refusal(TestKeys.EcJwk(ecdsa, new string('k', 129))).Code);
    }

    [Fact]
    public void The_kid_alphabet_covers_uuids_thumbprints_and_dated_names()
    {
        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);

        foreach (var kid in new[] { "6f1c2a3e-8d4b-4c1a-9e2f-1a2b3c4d5e6f", "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs", "mo:2026.01" })
            Assert.Equal(kid, TestKeys.Parse(TestKeys.EcJwk(ecdsa, kid)).Kid);
    }

    [Theory]
    [InlineData("""{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo","kid":"a"}""")]
    [InlineData("""{"kty":"EC","crv":"P-384","x":"AA","y":"AA","kid":"a"}""")]
    [InlineData("""{"kty":"EC","crv":"secp256k1","x":"AA","y":"AA","kid":"a"}""")]
    [InlineData("""{"kty":"RSA","n":"AQAB","e":"AQAB","alg":"RS512","kid":"a"}""")]
    [InlineData("""{"kty":"RSA","n":"AQAB","e":"AQAB","alg":"ES256","kid":"a"}""")]
    public void Unsupported_key_types_curves_and_algorithms_are_refused(string jwk)
    {
        Assert.Equal(JwkErrorCode.UnsupportedKey, TestKeys.Refusal(jwk).Code);
    }

    [Theory]
    [InlineData("ES384")]
    [InlineData("RS256")]
    [InlineData("none")]
    public void An_EC_key_with_an_alg_other_than_ES256_is_refused(string alg)
    {
        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var jwk = TestKeys.EcJwk(ecdsa);
        jwk["alg"] = alg;

        Assert.Equal(JwkErrorCode.UnsupportedKey, TestKeys.Refusal(jwk).Code);
    }

    [Fact]
    public void An_encryption_key_is_refused()
    {
        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var jwk = TestKeys.EcJwk(ecdsa);
        jwk["use"] = "enc";

        Assert.Equal(JwkErrorCode.UnsupportedKey, TestKeys.Refusal(jwk).Code);
    }

    [Fact]
    public void An_RSA_key_must_state_its_algorithm()
    {
        using var rsa = RSA.Create(2048);
        var jwk = TestKeys.RsaJwk(rsa, "RS256");
        jwk.Remove("alg");

        var refusal = TestKeys.Refusal(jwk);

        Assert.Equal(JwkErrorCode.InvalidJwk, refusal.Code);
        Assert.Contains("PS256", refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RSA_keys_below_2048_bits_are_weak()
    {
        using var rsa = RSA.Create(1024);

        var refusal = TestKeys.Refusal(TestKeys.RsaJwk(rsa, "RS256"));

        Assert.Equal(JwkErrorCode.WeakKey, refusal.Code);
        Assert.Contains("1024", refusal.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("n")]
    [InlineData("e")]
    public void An_RSA_member_with_a_leading_zero_octet_is_refused(string member)
    {
        using var rsa = RSA.Create(2048);
        var jwk = TestKeys.RsaJwk(rsa, "RS256");
        jwk[member] = Base64Url.EncodeToString([0, .. Base64Url.DecodeFromChars((string)jwk[member]!)]);

        var refusal = TestKeys.Refusal(jwk);

        // Accepted, the key's RFC 7638 thumbprint would differ from the one the partner computes over its own n.
        Assert.Equal(JwkErrorCode.InvalidJwk, refusal.Code);
        Assert.Contains($"\"{member}\" starts with a zero octet", refusal.Message, StringComparison.Ordinal);
        Assert.Contains("drop the leading zero", refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_even_RSA_modulus_is_refused()
    {
        using var rsa = RSA.Create(2048);
        var jwk = TestKeys.RsaJwk(rsa, "RS256");
        var modulus = Base64Url.DecodeFromChars((string)jwk["n"]!);
        modulus[^1] &= 0xFE;
        jwk["n"] = Base64Url.EncodeToString(modulus);

        var refusal = TestKeys.Refusal(jwk);

        Assert.Equal(JwkErrorCode.InvalidJwk, refusal.Code);
        Assert.Contains("modulus n is even", refusal.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""["encrypt"]""")]
    [InlineData("""["sign"]""")]
    [InlineData("""["verify","encrypt"]""")]
    [InlineData("""["verify","verify"]""")]
    [InlineData("""[]""")]
    public void A_key_whose_key_ops_are_not_just_verify_is_refused(string operations)
    {
        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var jwk = TestKeys.EcJwk(ecdsa);
        jwk["key_ops"] = JsonNode.Parse(operations);

        var refusal = TestKeys.Refusal(jwk);

        Assert.Equal(JwkErrorCode.UnsupportedKey, refusal.Code);
        Assert.Contains("""send "key_ops":["verify"] or no key_ops member""", refusal.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\"verify\"")]
    [InlineData("[1]")]
    [InlineData("[null]")]
    public void A_key_ops_member_that_is_not_an_array_of_strings_is_malformed(string operations)
    {
        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var jwk = TestKeys.EcJwk(ecdsa);
        jwk["key_ops"] = JsonNode.Parse(operations);

        Assert.Equal(JwkErrorCode.InvalidJwk, TestKeys.Refusal(jwk).Code);
    }

    [Fact]
    public void A_key_for_verifying_only_is_accepted()
    {
        using var rsa = RSA.Create(2048);
        var jwk = TestKeys.RsaJwk(rsa, "PS256");
        jwk["key_ops"] = new JsonArray("verify");
        jwk["use"] = "sig";

        Assert.Equal("PS256", TestKeys.Parse(jwk).Algorithm);
    }

    [Theory]
    [InlineData("AQ")]
    [InlineData("Ag")]
    [InlineData("AQAAAAAB")]
    public void An_RSA_exponent_of_1_even_or_too_long_is_refused(string e)
    {
        using var rsa = RSA.Create(2048);
        var jwk = TestKeys.RsaJwk(rsa, "RS256");
        jwk["e"] = e;

        Assert.Equal(JwkErrorCode.InvalidJwk, TestKeys.Refusal(jwk).Code);
    }

    [Fact]
    public void A_point_not_on_the_curve_is_refused()
    {
        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var jwk = TestKeys.EcJwk(ecdsa);
        var y = Base64Url.DecodeFromChars((string)jwk["y"]!);
        y[^1] ^= 1;
        jwk["y"] = Base64Url.EncodeToString(y);

        var refusal = TestKeys.Refusal(jwk);

        Assert.Equal(JwkErrorCode.InvalidJwk, refusal.Code);
        Assert.Contains("curve", refusal.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("x", "padded")]
    [InlineData("x", "standard-alphabet")]
    [InlineData("y", "short")]
    [InlineData("y", "number")]
    [InlineData("x", "missing")]
    [InlineData("y", "whitespace")]
    public void Malformed_coordinates_are_refused(string member, string damage)
    {
        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var jwk = TestKeys.EcJwk(ecdsa);
        var bytes = Base64Url.DecodeFromChars((string)jwk[member]!);
        switch (damage)
        {
            case "padded": jwk[member] = Base64Url.EncodeToString(bytes) + "="; break;
            case "standard-alphabet": jwk[member] = "+" + Base64Url.EncodeToString(bytes)[1..]; break;
            case "short": jwk[member] = Base64Url.EncodeToString(bytes.AsSpan(1)); break;
            case "number": jwk[member] = 12345; break;
            case "missing": jwk.Remove(member); break;
            case "whitespace": jwk[member] = ((string)jwk[member]!).Insert(8, " "); break;
        }

        Assert.Equal(JwkErrorCode.InvalidJwk, TestKeys.Refusal(jwk).Code);
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("\"kty\"")]
    [InlineData("""{"crv":"P-256","kid":"a"}""")]
    [InlineData("""{"kty":"EC","kty":"EC","crv":"P-256","kid":"a"}""")]
    [InlineData("""{"kty":"EC","crv":"P-256","x":"AA","y":"AA","kid":7}""")]
    [InlineData("""{"kty":"EC","crv":"P-256","x":"AA","y":"AA","kid":"a\ud800"}""")]
    public void Malformed_JWKs_are_refused_as_invalid(string jwk)
    {
        Assert.Equal(JwkErrorCode.InvalidJwk, TestKeys.Refusal(jwk).Code);
    }
}
