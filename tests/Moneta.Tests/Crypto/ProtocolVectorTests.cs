using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Moneta.Crypto;

namespace Moneta.Tests.Crypto;

/// <summary>
/// The worked example published to partners in docs/protocol-vectors.md. Every constant here is copied
/// from that document; if one of these tests fails, the document and the code disagree.
/// </summary>
public sealed class ProtocolVectorTests
{
    public const string MoPrivateJwk =
        """{"kty":"EC","crv":"P-256","x":"EbHh1TU-Q-59L9Ipw2UXZSa5zM4EcJ9bvu5pnpl1cCg","y":"bjy-mH_BvozQwb7qP7gN9WUJYSUZ3pZ-18s9by9OF74","d":"IiRTBkBFYnZqVczc91v3FgUd65MqBTj2VJadudXgKhU","kid":"mo-key-1","alg":"ES256","use":"sig"}""";

    public const string MoPublicJwk =
        """{"kty":"EC","crv":"P-256","x":"EbHh1TU-Q-59L9Ipw2UXZSa5zM4EcJ9bvu5pnpl1cCg","y":"bjy-mH_BvozQwb7qP7gN9WUJYSUZ3pZ-18s9by9OF74","kid":"mo-key-1","alg":"ES256","use":"sig"}""";

    public const string MoKeyThumbprint = "XvMgq_Pc2H_DHCBPzTnQz52M3hWunBFWMOhwGLq9Zu4";

    public const string SigningInputObject =
        """{"contract_id":"ctr_2026_0001","template_id":"transaction-contract","template_version":1,"mo_id":"6f1c2a3e-8d4b-4c1a-9e2f-1a2b3c4d5e6f","publisher_id":"0b9e8d7c-6a5b-4c3d-8e2f-0a1b2c3d4e5f","mpass_id":"3c2b1a09-8f7e-4d6c-9b5a-4a3b2c1d0e9f","payload":{"amount":"12.50","currency":"EUR","description":"Premium article bundle"},"signer":"mo","previous":null}""";

    public const string CanonicalSigningInput =
        """{"contract_id":"ctr_2026_0001","mo_id":"6f1c2a3e-8d4b-4c1a-9e2f-1a2b3c4d5e6f","mpass_id":"3c2b1a09-8f7e-4d6c-9b5a-4a3b2c1d0e9f","payload":{"amount":"12.50","currency":"EUR","description":"Premium article bundle"},"previous":null,"publisher_id":"0b9e8d7c-6a5b-4c3d-8e2f-0a1b2c3d4e5f","signer":"mo","template_id":"transaction-contract","template_version":1}""";

    public const string CanonicalSigningInputSha256 = "7e9e19e4c87d4c4c988520d1f36b49637286d7a3c9cb6409759b1c31bf014167";

    public const string ProtectedHeader = """{"alg":"ES256","kid":"mo-key-1"}""";

    public const string EncodedProtectedHeader = "eyJhbGciOiJFUzI1NiIsImtpZCI6Im1vLWtleS0xIn0";

    public const string EncodedPayload =
        "eyJjb250cmFjdF9pZCI6ImN0cl8yMDI2XzAwMDEiLCJtb19pZCI6IjZmMWMyYTNlLThkNGItNGMxYS05ZTJmLTFhMmIzYzRkNWU2ZiIsIm1wYXNzX2lkIjoiM2MyYjFhMDktOGY3ZS00ZDZjLTliNWEtNGEzYjJjMWQwZTlmIiwicGF5bG9hZCI6eyJhbW91bnQiOiIxMi41MCIsImN1cnJlbmN5IjoiRVVSIiwiZGVzY3JpcHRpb24iOiJQcmVtaXVtIGFydGljbGUgYnVuZGxlIn0sInByZXZpb3VzIjpudWxsLCJwdWJsaXNoZXJfaWQiOiIwYjllOGQ3Yy02YTViLTRjM2QtOGUyZi0wYTFiMmMzZDRlNWYiLCJzaWduZXIiOiJtbyIsInRlbXBsYXRlX2lkIjoidHJhbnNhY3Rpb24tY29udHJhY3QiLCJ0ZW1wbGF0ZV92ZXJzaW9uIjoxfQ";

    public const string DetachedSignature =
        "eyJhbGciOiJFUzI1NiIsImtpZCI6Im1vLWtleS0xIn0..1iYwPfXgHVfrIk5oDIYZYrbCMzej9fFpBPERP4YWHImFD0iB7_ZLmQuWh1hiH3r3AkOCFUISYAoJ8Ienb-rSug";

    private static readonly byte[] CanonicalBytes = Encoding.UTF8.GetBytes(CanonicalSigningInput);

    private static PartnerKey MoPublicKey()
    {
        using var document = JsonDocument.Parse(MoPublicJwk);
        return PartnerKey.Parse(document.RootElement);
    }

    [Fact]
    public void The_signing_input_object_canonicalizes_to_the_documented_bytes()
    {
        using var document = JsonDocument.Parse(SigningInputObject);

        Assert.Equal(CanonicalBytes, JsonCanonicalizer.Canonicalize(document.RootElement));
        Assert.Equal(CanonicalBytes, JsonCanonicalizer.Canonicalize(JsonNode.Parse(SigningInputObject)));
        Assert.Equal(CanonicalSigningInputSha256, Convert.ToHexStringLower(SHA256.HashData(CanonicalBytes)));
    }

    [Fact]
    public void The_documented_header_and_payload_encodings_are_base64url_of_the_documented_bytes()
    {
        Assert.Equal(EncodedProtectedHeader, Base64Url.EncodeToString(Encoding.UTF8.GetBytes(ProtectedHeader)));
        Assert.Equal(EncodedPayload, Base64Url.EncodeToString(CanonicalBytes));
        Assert.StartsWith(EncodedProtectedHeader + "..", DetachedSignature, StringComparison.Ordinal);
    }

    [Fact]
    public void The_documented_public_key_is_the_public_half_of_the_documented_private_key()
    {
        using var moKey = SigningKey.FromPrivateJwk(MoPrivateJwk);
        var publicKey = MoPublicKey();

        Assert.Equal("mo-key-1", publicKey.Kid);
        Assert.Equal(MoKeyThumbprint, publicKey.Thumbprint);
        Assert.Equal(MoKeyThumbprint, moKey.PublicKey.Thumbprint);
        Assert.Equal(MoPublicJwk, moKey.PublicKey.ToPublicJwk().ToJsonString());
    }

    [Fact]
    public void The_documented_signature_verifies_over_the_canonical_bytes()
    {
        Assert.True(DetachedJws.Verify(DetachedSignature, CanonicalBytes, MoPublicKey()));
    }

    [Fact]
    public void The_documented_signature_fails_when_one_byte_of_the_payload_changes()
    {
        var publicKey = MoPublicKey();

        // "12.50" becomes "12.51": the smallest change a dishonest party might want.
        var tampered = (byte[])CanonicalBytes.Clone();
        tampered[CanonicalSigningInput.IndexOf("12.50", StringComparison.Ordinal) + 4] = (byte)'1';

        Assert.False(DetachedJws.Verify(DetachedSignature, tampered, publicKey));
        Assert.False(DetachedJws.Verify(DetachedSignature, Encoding.UTF8.GetBytes(SigningInputObject), publicKey));
    }

    [Fact]
    public void A_signature_made_now_with_the_documented_private_key_verifies()
    {
        using var moKey = SigningKey.FromPrivateJwk(MoPrivateJwk);

        var jws = DetachedJws.Sign(moKey, CanonicalBytes);

        Assert.StartsWith(EncodedProtectedHeader + "..", jws, StringComparison.Ordinal);
        Assert.True(DetachedJws.Verify(jws, CanonicalBytes, MoPublicKey()));
    }
}
