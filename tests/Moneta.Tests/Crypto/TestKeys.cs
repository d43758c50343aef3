using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Moneta.Crypto;

namespace Moneta.Tests.Crypto;

/// <summary>Public JWKs made the way a partner's tooling would, from freshly generated keys.</summary>
internal static class TestKeys
{
    // RFC 7515 appendix A.3: the ES256 example key and its published signature over the A.2/A.3 payload.
    public const string Rfc7515EcX = "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU";
    public const string Rfc7515EcY = "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0";
    public const string Rfc7515EcSigningInput =
        "eyJhbGciOiJFUzI1NiJ9.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ";
    public const string Rfc7515EcSignature =
        "DtEhU3ljbEg8L38VWAfUAqOyKAM6-Xx-F4GawxaepmXFCgfTjDxw5djxLa8ISlSApmWQxfKTUJqPP3-Kg6NU1Q";

    // RFC 7515 appendix A.2: the RS256 example key (2048 bits) and its published signature.
    public const string Rfc7515RsaN =
        "ofgWCuLjybRlzo0tZWJjNiuSfb4p4fAkd_wWJcyQoTbji9k0l8W26mPddxHmfHQp-Vaw-4qPCJrcS2mJPMEzP1Pt0Bm4d4QlL-yRT-SFd2lZS-pCgNMs"
        + "D1W_YpRPEwOWvG6b32690r2jZ47soMZo9wGzjb_7OMg0LOL-bSf63kpaSHSXndS5z5rexMdbBYUsLA9e-KXBdQOS-UTo7WTBEMa2R2CapHg665xsmtdV"
        + "MTBQY4uDZlxvb3qCo5ZwKh9kG4LT6_I5IhlJH7aGhyxXFvUK-DWNmoudF8NAco9_h9iaGNj8q2ethFkMLs91kzk2PAcDTW9gb54h4FRWyuXpoQ";
    public const string Rfc7515RsaSigningInput =
        "eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ";
    public const string Rfc7515RsaSignature =
        "cC4hiUPoj9Eetdgtv3hF80EGrhuB__dzERat0XF9g2VtQgr9PJbu3XOiZj5RZmh7AAuHIm4Bh-0Qc_lF5YKt_O8W2Fp5jujGbds9uJdbF9CUAr7t1dnZc"
        + "AcQjbKBYNX4BAynRFdiuB--f_nZLgrnbyTyWzO75vRK5h6xBArLIARNPvkSjtQBMHlb1L07Qe7K0GarZRmB_eSN9383LcOLn6_dO--xi12jzDwusC-eOk"
        + "HWEsqtFZESc6BfI7noOPqvhJ1phCnvWh6IeYI2w9QOYEUipUTI8np6LbgGY9Fs98rqVt5AXLIhWkWywlVmtVrBp0igcN_IoypGlUPQGe77Rw";

    public static JsonObject EcJwk(ECDsa key, string kid = "partner-ec-1")
    {
        var q = key.ExportParameters(includePrivateParameters: false).Q;
        return new JsonObject
        {
            ["kty"] = "EC",
            ["crv"] = "P-256",
            ["x"] = Base64Url.EncodeToString(q.X),
            ["y"] = Base64Url.EncodeToString(q.Y),
            ["kid"] = kid,
        };
    }

    public static JsonObject RsaJwk(RSA key, string alg, string kid = "partner-rsa-1")
    {
        var parameters = key.ExportParameters(includePrivateParameters: false);
        return new JsonObject
        {
            ["kty"] = "RSA",
            ["n"] = Base64Url.EncodeToString(parameters.Modulus),
            ["e"] = Base64Url.EncodeToString(parameters.Exponent),
            ["alg"] = alg,
            ["kid"] = kid,
        };
    }

    public static SigningKey SigningKey(string kid)
    {
        using var generated = Moneta.Crypto.SigningKey.Generate();
        var jwk = JsonNode.Parse(generated.ToPrivateJwk())!.AsObject();
        jwk["kid"] = kid;
        return Moneta.Crypto.SigningKey.FromPrivateJwk(jwk.ToJsonString());
    }

    public static PartnerKey Parse(JsonNode jwk)
    {
        using var document = JsonDocument.Parse(jwk.ToJsonString());
        return PartnerKey.Parse(document.RootElement);
    }

    public static InvalidJwkException Refusal(string jwkJson)
    {
        using var document = JsonDocument.Parse(jwkJson);
        return Assert.Throws<InvalidJwkException>(() => PartnerKey.Parse(document.RootElement));
    }

    public static InvalidJwkException Refusal(JsonNode jwk) => Refusal(jwk.ToJsonString());
}
