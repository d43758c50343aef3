using System.Buffers;

namespace Moneta.Crypto;

/// <summary>
/// The kid rule: 1 to 128 characters from [A-Za-z0-9._:-]. Narrow enough to appear in URLs, logs and a JWS
/// header without any escaping, wide enough for thumbprints, UUIDs and dated names.
/// </summary>
internal static class KeyId
{
    public const int MaxLength = 128;

    /// <summary>The rule in words, for error messages.</summary>
    public const string Rule = "The kid must be 1 to 128 characters from A-Z, a-z, 0-9, '.', '_', ':' and '-'.";

    private static readonly SearchValues<char> Allowed =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._:-");

    public static bool IsValid(string? kid) =>
        kid is { Length: > 0 and <= MaxLength } && !kid.AsSpan().ContainsAnyExcept(Allowed);
}
