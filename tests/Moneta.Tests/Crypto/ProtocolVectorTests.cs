using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Moneta.Crypto;
using Moneta.Tests.Support;

namespace Moneta.Tests.Crypto;

/// <summary>
/// The worked example published to partners in docs/protocol-vectors.md. Every value is read from that document
/// (by section heading and position), so editing one there without the code agreeing fails a test here.
/// </summary>
public sealed class ProtocolVectorTests
{
    private static readonly MarkdownSections Document = MarkdownSections.Read("docs", "protocol-vectors.md");

    private static readonly string MoPrivateJwk = Document.CodeBlock("The example MO key", 0);
    private static readonly string MoPublicJwk = Document.CodeBlock("The example MO key", 1);
    private static readonly string MoKeyThumbprint = Document.InlineCodeAfter("The example MO key", "thumbprint:");
    private static readonly string SigningInputObject = Document.CodeBlock("The signing input object", 0);
    private static readonly string CanonicalSigningInput = Document.CodeBlock("Its canonical bytes (the JWS payload)", 0);
    private static readonly string CanonicalSigningInputSha256 = Document.InlineCodeAfter("Its canonical bytes (the JWS payload)", "SHA-256 of these bytes");
    private static readonly string ProtectedHeader = Document.CodeBlock("Header and signing input", 0);
    private static readonly string EncodedProtectedHeader = Document.CodeBlock("Header and signing input", 1);
    private static readonly string EncodedPayload = Document.CodeBlock("Header and signing input", 2);
    private static readonly string JwsSigningInput = Document.CodeBlock("Header and signing input", 3);
    private static readonly string DetachedSignature = Document.CodeBlock("One valid signature", 0);

    private static byte[] CanonicalBytes => Encoding.UTF8.GetBytes(CanonicalSigningInput);

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
        using var moKey = SigningKey.FromPrivateJwk(MoPrivateJwk);
        var madeNow = DetachedJws.Sign(moKey, CanonicalBytes);

        Assert.Equal(ProtectedHeader, Encoding.UTF8.GetString(Base64Url.DecodeFromChars(madeNow.Split('.')[0])));
        Assert.Equal(EncodedProtectedHeader, Base64Url.EncodeToString(Encoding.UTF8.GetBytes(ProtectedHeader)));
        Assert.Equal(EncodedPayload, Base64Url.EncodeToString(CanonicalBytes));
        Assert.Equal(EncodedProtectedHeader + "." + EncodedPayload, JwsSigningInput);
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
    public void The_documented_signature_is_over_the_documented_jws_signing_input()
    {
        var signature = Base64Url.DecodeFromChars(DetachedSignature.Split('.')[2]);

        Assert.True(MoPublicKey().Verify(Encoding.ASCII.GetBytes(JwsSigningInput), signature));
    }

    [Fact]
    public void The_documented_signature_fails_when_one_byte_of_the_payload_changes()
    {
        var publicKey = MoPublicKey();

        // "12.50" becomes "12.51": the smallest change a dishonest party might want.
        var tampered = CanonicalBytes;
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

    [Fact]
    public void The_examples_docs_protocol_md_quotes_from_the_vectors_are_the_vectors()
    {
        var protocol = Repository.ReadFile("docs", "protocol.md");

        Assert.All(
            [MoPublicJwk, SigningInputObject, CanonicalSigningInput, CanonicalSigningInputSha256, DetachedSignature],
            vector => Assert.Contains(vector, protocol, StringComparison.Ordinal));
    }
}
