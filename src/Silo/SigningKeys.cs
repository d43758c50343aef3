using Moneta.Crypto;

namespace Moneta.Silo;

internal static class SigningKeys
{
    /// <summary>
    /// Moneta's signing key: an inline private JWK (Moneta:Signing:PrivateJwk, e.g. from a secret store), a key
    /// file (Moneta:Signing:KeyFile), or in development a key generated once and kept beside the database.
    /// </summary>
    public static SigningKey Load(IConfiguration config, string storagePath, bool development)
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
