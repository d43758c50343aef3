using System.Text.Json;
using Moneta.Client;
using Moneta.Crypto;

namespace Moneta.Cli;

/// <summary>A saved login: where Moneta is, which organization, and the file holding its private key (never the key itself).</summary>
internal sealed record Profile(string Url, string OrganizationId, string Kind, string KeyFile)
{
    public MonetaClient CreateClient() => new(new MonetaClientOptions
    {
        BaseAddress = new Uri(Url),
        OrganizationId = OrganizationId,
        SigningKey = Keys.LoadPrivate(KeyFile),
    });
}

/// <summary>Profiles in $MONETA_HOME/profiles.json (default ~/.moneta), readable by the user only.</summary>
internal static class Profiles
{
    private static string Home => Environment.GetEnvironmentVariable("MONETA_HOME") is { Length: > 0 } home
        ? home
        : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".moneta");

    private static string FilePath => Path.Combine(Home, "profiles.json");

    public static Profile Load(string name) =>
        ReadAll().GetValueOrDefault(name) ?? throw new CliException($"No profile '{name}': run 'moneta login --profile {name} --url ... --org ... --kind ... --key ...' first.");

    public static void Save(string name, Profile profile)
    {
        var all = ReadAll();
        all[name] = profile;
        Directory.CreateDirectory(Home);
        Keys.WriteOwnerOnly(FilePath, JsonSerializer.Serialize(all, Cli.Json));
    }

    private static Dictionary<string, Profile> ReadAll() =>
        File.Exists(FilePath) ? JsonSerializer.Deserialize<Dictionary<string, Profile>>(File.ReadAllText(FilePath), Cli.Json) ?? [] : [];
}

internal static class Keys
{
    public static SigningKey LoadPrivate(string file) =>
        File.Exists(file) ? SigningKey.FromPrivateJwk(File.ReadAllText(file)) : throw new CliException($"No key file '{file}' (make one with 'moneta keys generate').");

    /// <summary>Secrets on disk are readable by their owner only.</summary>
    public static void WriteOwnerOnly(string path, string content)
    {
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using var writer = new StreamWriter(path, options);
        writer.Write(content);
    }
}
