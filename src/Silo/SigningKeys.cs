using Moneta.Crypto;

namespace Moneta.Silo;

internal static class SigningKeys
{
    /// <summary>
    /// Moneta's keys. The signing key is an inline private JWK (Moneta:Signing:PrivateJwk, e.g. from a secret
    /// store), a key file (Moneta:Signing:KeyFile), or in development a key generated once and kept beside the
    /// database. Moneta:Signing:VerifyOnlyKeys is a JWKS of public keys Moneta publishes and accepts but does not
    /// sign with: the keys before and after a rotation (docs/security.md).
    /// </summary>
    public static MonetaKeys Load(IConfiguration config, string storagePath, bool development)
    {
        var signing = LoadSigningKey(config, storagePath, development);
        try
        {
            var verifyOnly = config["Signing:VerifyOnlyKeys"] is { Length: > 0 } jwks ? MonetaKeys.ParseJwks(jwks) : [];
            return new MonetaKeys(signing, verifyOnly);
        }
        catch (InvalidJwkException e)
        {
            throw new InvalidOperationException($"Moneta:Signing:VerifyOnlyKeys is refused ({e.Code}): {e.Message}", e);
        }
    }

    private static SigningKey LoadSigningKey(IConfiguration config, string storagePath, bool development)
    {
        if (config["Signing:PrivateJwk"] is { Length: > 0 } jwk) return SigningKey.FromPrivateJwk(jwk);
        if (config["Signing:KeyFile"] is { Length: > 0 } file)
        {
            return File.Exists(file) || development
                ? SigningKey.LoadOrCreate(file)
                : throw new InvalidOperationException($"Moneta:Signing:KeyFile '{file}' does not exist.");
        }

        if (!development)
            throw new InvalidOperationException("Set Moneta:Signing:PrivateJwk or Moneta:Signing:KeyFile: production does not generate its own signing key.");
        var directory = Path.GetDirectoryName(Path.GetFullPath(storagePath))!;
        Directory.CreateDirectory(directory);
        return SigningKey.LoadOrCreate(Path.Combine(directory, "moneta-signing-key.jwk.json"));
    }
}
