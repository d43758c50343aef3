using System.Buffers.Text;
using System.Text;
using System.Text.Json;

namespace Moneta.Crypto;

/// <summary>
/// JWS compact serialization with a detached payload (RFC 7515 appendix F): "header..signature". The payload
/// travels separately (here, the canonical contract bytes), and both sides rebuild the signing input from it.
/// </summary>
public static class DetachedJws
{
    /// <summary>Far above any real header and RSA-16384 signature; bounds the work hostile input can cause.</summary>
    public const int MaxLength = 8 * 1024;

    private static readonly string[] SupportedAlgorithms = ["ES256", "RS256", "PS256"];

    /// <returns>BASE64URL(header) + ".." + BASE64URL(signature), the header being {"alg":"ES256","kid":"..."}.</returns>
    public static string Sign(SigningKey key, ReadOnlySpan<byte> payload)
    {
        ArgumentNullException.ThrowIfNull(key);

        // The kid alphabet needs no JSON escaping, so the header can be written as text.
        var header = $$"""{"alg":"{{key.Algorithm}}","kid":"{{key.Kid}}"}""";
        var encodedHeader = StrictBase64Url.Encode(Encoding.UTF8.GetBytes(header));
        var signature = key.Sign(SigningInput(encodedHeader, payload));
        return $"{encodedHeader}..{StrictBase64Url.Encode(signature)}";
    }

    /// <summary>Reads the header of a detached JWS without checking the signature, e.g. to find the key by kid.</summary>
    public static bool TryParse(string? jws, out JwsHeader header) => TryParse(jws, out header, out _);

    /// <summary>
    /// True when <paramref name="jws"/> is a detached JWS over <paramref name="payload"/> signed by
    /// <paramref name="key"/>, with the header naming that key and its algorithm. False for anything else.
    /// </summary>
    public static bool Verify(string? jws, ReadOnlySpan<byte> payload, PartnerKey key)
    {
        ArgumentNullException.ThrowIfNull(key);

        if (!TryParse(jws, out var header, out var signature))
            return false;

        // Checking alg against the key, not trusting the header, is what stops algorithm substitution.
        if (header.Algorithm != key.Algorithm || header.Kid != key.Kid)
            return false;

        return key.Verify(SigningInput(header.EncodedHeader, payload), signature);
    }

    private static bool TryParse(string? jws, out JwsHeader header, out byte[] signature)
    {
        header = default;
        signature = [];
        if (jws is null || jws.Length > MaxLength)
            return false;

        var parts = jws.Split('.');
        if (parts is not [var encodedHeader, "", var encodedSignature] || encodedSignature.Length == 0)
            return false;

        if (!StrictBase64Url.TryDecode(encodedHeader, out var headerJson)
            || !StrictBase64Url.TryDecode(encodedSignature, out signature)
            || !TryReadHeader(headerJson, out var algorithm, out var kid))
        {
            return false;
        }

        header = new JwsHeader(algorithm, kid, encodedHeader);
        return true;
    }

    private static bool TryReadHeader(byte[] headerJson, out string algorithm, out string kid)
    {
        algorithm = kid = "";
        try
        {
            using var document = JsonDocument.Parse(headerJson, new JsonDocumentOptions { AllowDuplicateProperties = false });
            var header = document.RootElement;
            if (header.ValueKind != JsonValueKind.Object)
                return false;

            // crit names extensions we would have to understand; b64 (RFC 7797) changes what the signing input is.
            if (header.TryGetProperty("crit", out _) || header.TryGetProperty("b64", out _))
                return false;

            if (!header.TryGetProperty("alg", out var alg) || alg.ValueKind != JsonValueKind.String
                || !header.TryGetProperty("kid", out var keyId) || keyId.ValueKind != JsonValueKind.String)
            {
                return false;
            }

            algorithm = alg.GetString()!;
            kid = keyId.GetString()!;
            return SupportedAlgorithms.Contains(algorithm) && kid.Length > 0;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            // Not JSON, or a string holding a lone surrogate.
            return false;
        }
    }

    /// <summary>ASCII(BASE64URL(header) + "." + BASE64URL(payload)), RFC 7515 §5.1 step 8.</summary>
    private static byte[] SigningInput(string encodedHeader, ReadOnlySpan<byte> payload)
    {
        var input = new byte[encodedHeader.Length + 1 + Base64Url.GetEncodedLength(payload.Length)];
        Encoding.ASCII.GetBytes(encodedHeader, input);
        input[encodedHeader.Length] = (byte)'.';
        Base64Url.EncodeToUtf8(payload, input.AsSpan(encodedHeader.Length + 1));
        return input;
    }
}
