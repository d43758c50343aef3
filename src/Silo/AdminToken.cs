using System.Security.Cryptography;

namespace Moneta.Silo;

internal static class AdminToken
{
    public const string DevelopmentFileName = "moneta-admin-token";

    /// <summary>
    /// The configured admin token. In development without one, a token generated once and kept in
    /// <paramref name="dataDirectory"/> beside the signing key (mode 0600), so it survives restarts and scripts can
    /// read it from there.
    /// </summary>
    public static string Resolve(string? configured, bool development, string dataDirectory)
    {
        if (!string.IsNullOrEmpty(configured))
        {
            return configured.Length >= 32
                ? configured
                : throw new InvalidOperationException("Moneta:AdminToken must be at least 32 characters.");
        }

        return development
            ? LoadOrCreate(Path.Combine(dataDirectory, DevelopmentFileName))
            : throw new InvalidOperationException("Set Moneta:AdminToken (environment variable Moneta__AdminToken): production does not start without one.");
    }

    private static string LoadOrCreate(string path)
    {
        if (File.Exists(path) && File.ReadAllText(path).Trim() is { Length: >= 32 } kept) return kept;

        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var token = "dev_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using (var file = new StreamWriter(path, options)) file.Write(token);
        return token;
    }
}
