namespace Moneta.Crypto;

/// <summary>The machine-readable reasons a partner's key is refused; they appear in API error responses.</summary>
public static class JwkErrorCode
{
    public const string InvalidJwk = "invalid_jwk";
    public const string UnsupportedKey = "unsupported_key";
    public const string WeakKey = "weak_key";
    public const string PrivateKeyMaterial = "private_key_material";
    public const string KidRequired = "kid_required";
}

/// <summary>A JWK was refused. The message is written for the partner who sent it and says what to change.</summary>
public sealed class InvalidJwkException : Exception
{
    public InvalidJwkException(string code, string message)
        : base(message)
    {
        Code = code;
    }

    /// <summary>One of the <see cref="JwkErrorCode"/> values.</summary>
    public string Code { get; }
}
