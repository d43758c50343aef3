using System.Security.Cryptography;

namespace Moneta.Silo;

internal static class AdminToken
{
    /// <summary>The configured admin token; in development one is generated (and logged once) if none is set.</summary>
    public static string Resolve(string? configured, bool development)
    {
        if (!string.IsNullOrEmpty(configured))
        {
            return configured.Length >= 32
                ? configured
                : throw new InvalidOperationException("Moneta:AdminToken must be at least 32 characters.");
        }

        return development
            ? "dev_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24))
            : throw new InvalidOperationException("Set Moneta:AdminToken (environment variable Moneta__AdminToken): production does not start without one.");
    }
}
