using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Moneta.Crypto;

namespace Moneta.Tests.Crypto;

public sealed class DetachedJwsTests : IDisposable
{
    private static readonly byte[] Payload = Encoding.UTF8.GetBytes("""{"amount":"12.50","currency":"EUR"}""");

    private readonly SigningKey _key = TestKeys.SigningKey(kid: "mo-key-1");

    public void Dispose() => _key.Dispose();

    private static string EncodeHeader(string json) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(json));

    /// <summary>A JWS over <see cref="Payload"/> with any header we like, signed by our key.</summary>
    private string SignWithHeader(string headerJson)
    {
        var encodedHeader = EncodeHeader(headerJson);
        var signature = _key.Sign(Encoding.ASCII.GetBytes($"{encodedHeader}.{Base64Url.EncodeToString(Payload)}"));
        return $"{encodedHeader}..{Base64Url.EncodeToString(signature)}";
    }

    [Fact]
    public void A_detached_JWS_has_an_empty_middle_part_and_the_exact_header()
    {
        var jws = DetachedJws.Sign(_key, Payload);

        var parts = jws.Split('.');
        Assert.Equal(3, parts.Length);
        Assert.Equal("", parts[1]);
        Assert.Equal("""{"alg":"ES256","kid":"mo-key-1"}""", Encoding.UTF8.GetString(Base64Url.DecodeFromChars(parts[0])));
        Assert.Equal(64, Base64Url.DecodeFromChars(parts[2]).Length);
    }

    [Fact]
    public void The_signature_covers_the_encoded_header_and_encoded_payload()
    {
        var jws = DetachedJws.Sign(_key, Payload);
        var parts = jws.Split('.');

        // RFC 7515 appendix F: re-attach the payload and the result is an ordinary compact JWS.
        var signingInput = Encoding.ASCII.GetBytes($"{parts[0]}.{Base64Url.EncodeToString(Payload)}");

        Assert.True(_key.PublicKey.Verify(signingInput, Base64Url.DecodeFromChars(parts[2])));
    }

    [Fact]
    public void A_signature_verifies_over_its_payload_only()
    {
        var jws = DetachedJws.Sign(_key, Payload);
        var altered = (byte[])Payload.Clone();
        altered[^2] ^= 1;

        Assert.True(DetachedJws.Verify(jws, Payload, _key.PublicKey));
        Assert.False(DetachedJws.Verify(jws, altered, _key.PublicKey));
        Assert.False(DetachedJws.Verify(jws, [], _key.PublicKey));
    }

    [Fact]
    public void Another_key_with_the_same_kid_does_not_verify()
    {
        using var impostor = TestKeys.SigningKey(kid: "mo-key-1");

        Assert.False(DetachedJws.Verify(DetachedJws.Sign(impostor, Payload), Payload, _key.PublicKey));
    }

    [Fact]
    public void The_header_must_name_the_key_that_verifies()
    {
        using var other = SigningKey.Generate();
        var jws = DetachedJws.Sign(_key, Payload);

        Assert.False(DetachedJws.Verify(jws, Payload, other.PublicKey));
        Assert.False(DetachedJws.Verify(SignWithHeader("""{"alg":"ES256","kid":"mo-key-2"}"""), Payload, _key.PublicKey));
        Assert.True(DetachedJws.Verify(SignWithHeader("""{"alg":"ES256","kid":"mo-key-1"}"""), Payload, _key.PublicKey));
    }

    [Fact]
    public void The_header_alg_must_be_the_key_algorithm()
    {
        using var rsa = RSA.Create(2048);
        var partner = TestKeys.Parse(TestKeys.RsaJwk(rsa, "PS256", kid: "mo-key-1"));
        var encodedHeader = EncodeHeader("""{"alg":"RS256","kid":"mo-key-1"}""");
        var signingInput = Encoding.ASCII.GetBytes($"{encodedHeader}.{Base64Url.EncodeToString(Payload)}");

        // A PSS signature under a header that says RS256: the header lies about how it was made.
        var pss = rsa.SignData(signingInput, HashAlgorithmName.SHA256, RSASignaturePadding.Pss);

        Assert.False(DetachedJws.Verify($"{encodedHeader}..{Base64Url.EncodeToString(pss)}", Payload, partner));
    }

    [Theory]
    [InlineData("RS256")]
    [InlineData("PS256")]
    public void Partner_RSA_signatures_verify(string alg)
    {
        using var rsa = RSA.Create(3072);
        var partner = TestKeys.Parse(TestKeys.RsaJwk(rsa, alg, kid: "publisher-7"));
        var encodedHeader = EncodeHeader($$"""{"alg":"{{alg}}","kid":"publisher-7","typ":"JOSE"}""");
        var signingInput = Encoding.ASCII.GetBytes($"{encodedHeader}.{Base64Url.EncodeToString(Payload)}");
        var padding = alg == "PS256" ? RSASignaturePadding.Pss : RSASignaturePadding.Pkcs1;
        var signature = rsa.SignData(signingInput, HashAlgorithmName.SHA256, padding);

        Assert.True(DetachedJws.Verify($"{encodedHeader}..{Base64Url.EncodeToString(signature)}", Payload, partner));
    }

    [Fact]
    public void TryParse_reads_alg_kid_and_the_encoded_header()
    {
        var jws = DetachedJws.Sign(_key, Payload);

        Assert.True(DetachedJws.TryParse(jws, out var header));
        Assert.Equal(new JwsHeader("ES256", "mo-key-1", jws[..jws.IndexOf('.', StringComparison.Ordinal)]), header);
    }

    [Theory]
    [InlineData("""{"alg":"none","kid":"mo-key-1"}""")]
    [InlineData("""{"alg":"HS256","kid":"mo-key-1"}""")]
    [InlineData("""{"alg":"es256","kid":"mo-key-1"}""")]
    [InlineData("""{"kid":"mo-key-1"}""")]
    [InlineData("""{"alg":"ES256"}""")]
    [InlineData("""{"alg":"ES256","kid":""}""")]
    [InlineData("""{"alg":"ES256","kid":7}""")]
    [InlineData("""{"alg":["ES256"],"kid":"mo-key-1"}""")]
    [InlineData("""{"alg":"ES256","kid":"mo-key-1","b64":false,"crit":["b64"]}""")]
    [InlineData("""{"alg":"ES256","kid":"mo-key-1","b64":true}""")]
    [InlineData("""{"alg":"ES256","kid":"mo-key-1","crit":["exp"],"exp":1}""")]
    [InlineData("""{"alg":"ES256","kid":"mo-key-1","alg":"ES256"}""")]
    [InlineData("""["ES256","mo-key-1"]""")]
    [InlineData("{\"alg\":\"ES256\",\"kid\":\"mo-key-1\"")]
    [InlineData("""{"alg":"ES256","kid":"mo-key-1\ud800"}""")]
    public void Headers_we_cannot_honour_are_refused_even_when_signed(string headerJson)
    {
        var jws = SignWithHeader(headerJson);

        Assert.False(DetachedJws.TryParse(jws, out _));
        Assert.False(DetachedJws.Verify(jws, Payload, _key.PublicKey));
    }

    [Theory]
    [InlineData("")]
    [InlineData(".")]
    [InlineData("..")]
    [InlineData("...")]
    [InlineData("eyJhbGciOiJFUzI1NiIsImtpZCI6Im1vLWtleS0xIn0")]
    [InlineData("eyJhbGciOiJFUzI1NiIsImtpZCI6Im1vLWtleS0xIn0..")]
    [InlineData("eyJhbGciOiJFUzI1NiIsImtpZCI6Im1vLWtleS0xIn0...AAAA")]
    [InlineData("eyJhbGciOiJFUzI1NiIsImtpZCI6Im1vLWtleS0xIn0.e30.AAAA")]
    [InlineData("eyJhbGciOiJFUzI1NiIsImtpZCI6Im1vLWtleS0xIn0=..AAAA")]
    [InlineData("eyJhbGciOiJFUzI1NiIsImtpZCI6Im1vLWtleS0xIn0..AA+A")]
    [InlineData("eyJhbGciOiJFUzI1NiIsImtpZCI6Im1vLWtleS0xIn0..A")]
    [InlineData("!!!..AAAA")]
    [InlineData("e30..AAAA")]
    public void Malformed_compact_serializations_are_refused(string jws)
    {
        Assert.False(DetachedJws.TryParse(jws, out _));
        Assert.False(DetachedJws.Verify(jws, Payload, _key.PublicKey));
    }

    [Fact]
    public void A_null_JWS_is_refused_without_an_exception()
    {
        Assert.False(DetachedJws.TryParse(null, out _));
        Assert.False(DetachedJws.Verify(null, Payload, _key.PublicKey));
    }

    [Fact]
    public void An_attached_payload_is_not_a_detached_JWS()
    {
        var jws = DetachedJws.Sign(_key, Payload);
        var attached = jws.Replace("..", $".{Base64Url.EncodeToString(Payload)}.", StringComparison.Ordinal);

        Assert.False(DetachedJws.Verify(attached, Payload, _key.PublicKey));
    }

    [Fact]
    public void A_signature_spelled_with_nonzero_trailing_bits_is_refused()
    {
        var jws = DetachedJws.Sign(_key, Payload);

        // 64 bytes take 86 characters whose last one carries 4 unused bits; setting one gives another spelling of the same bytes.
        var last = jws[^1];
        var alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        var respelled = jws[..^1] + alphabet[alphabet.IndexOf(last, StringComparison.Ordinal) | 1];

        Assert.False(DetachedJws.Verify(respelled, Payload, _key.PublicKey));
    }

    [Fact]
    public void Over_long_input_is_refused_before_any_work()
    {
        var header = EncodeHeader($$"""{"alg":"ES256","kid":"mo-key-1","pad":"{{new string('x', DetachedJws.MaxLength)}}"}""");

        Assert.False(DetachedJws.TryParse($"{header}..AAAA", out _));
    }

    [Fact]
    public void Tampered_signatures_do_not_verify()
    {
        var jws = DetachedJws.Sign(_key, Payload);
        var signature = Base64Url.DecodeFromChars(jws.AsSpan(jws.LastIndexOf('.') + 1));
        var prefix = jws[..(jws.LastIndexOf('.') + 1)];

        for (var i = 0; i < signature.Length; i += 7)
        {
            var tampered = (byte[])signature.Clone();
            tampered[i] ^= 0x80;
            Assert.False(DetachedJws.Verify(prefix + Base64Url.EncodeToString(tampered), Payload, _key.PublicKey));
        }

        Assert.False(DetachedJws.Verify(prefix + Base64Url.EncodeToString(signature.AsSpan(0, 63)), Payload, _key.PublicKey));
        Assert.False(DetachedJws.Verify(prefix + Base64Url.EncodeToString([.. signature, 0]), Payload, _key.PublicKey));
    }
}
