using System.CommandLine;
using System.Text.Json.Nodes;
using Moneta.Crypto;
using Spectre.Console;

namespace Moneta.Cli;

internal static class KeysCommands
{
    public static Command Build()
    {
        var generate = new Command("generate", "Make an ES256 key pair: the private JWK goes to --out (mode 0600), the public JWK to stdout, ready to register.");
        var kid = new Option<string>("--kid") { Description = "The key's id, e.g. mo-key-1 (letters, digits, . _ : -).", Required = true };
        var output = new Option<string>("--out") { Description = "Where to write the private JWK.", Required = true };
        var force = new Option<bool>("--force") { Description = "Overwrite an existing file." };
        generate.Options.Add(kid);
        generate.Options.Add(output);
        generate.Options.Add(force);
        generate.SetAction((parse, _) => Cli.RunAsync(() =>
        {
            var path = parse.GetValue(output)!;
            if (File.Exists(path) && !parse.GetValue(force)) throw new CliException($"'{path}' exists; pass --force to replace it.");
            if (!Ids.IsValid(parse.GetValue(kid))) throw new CliException("--kid must be 1 to 128 letters, digits, '.', '_', ':' or '-'.");

            using var generated = SigningKey.Generate();
            var jwk = JsonNode.Parse(generated.ToPrivateJwk())!.AsObject();
            jwk["kid"] = parse.GetValue(kid);
            jwk["alg"] = "ES256";
            using var key = SigningKey.FromPrivateJwk(jwk.ToJsonString());
            Keys.WriteOwnerOnly(path, key.ToPrivateJwk());
            Console.Out.WriteLine(key.PublicKey.ToPublicJwk().ToJsonString());
            Cli.Err.MarkupLine($"Private key written to {Markup.Escape(path)} (keep it secret); the public JWK above is what you register.");
            return Task.CompletedTask;
        }));

        var keys = new Command("keys", "Your organization's signing keys.");
        keys.Subcommands.Add(generate);
        return keys;
    }
}

/// <summary>The id alphabet of docs/protocol.md, checked before a key is made with an id Moneta would refuse.</summary>
internal static class Ids
{
    public static bool IsValid(string? id) => id is { Length: > 0 and <= 128 } && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or ':' or '-');
}
