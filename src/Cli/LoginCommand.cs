using System.CommandLine;
using Spectre.Console;

namespace Moneta.Cli;

internal static class LoginCommand
{
    public static Command Build()
    {
        var login = new Command("login", "Get an access token for your organization with its key (private_key_jwt) and save the login as a profile.");
        var url = new Option<string>("--url") { Description = "Moneta's base URL, e.g. http://localhost:5080.", Required = true };
        var org = new Option<string>("--org") { Description = "Your organization id.", Required = true };
        var kind = new Option<string>("--kind") { Description = "mo or publisher.", Required = true };
        kind.AcceptOnlyFromAmong("mo", "publisher");
        var key = new Option<string>("--key") { Description = "Your private JWK file (moneta keys generate).", Required = true };
        var printToken = new Option<bool>("--print-token") { Description = "Print the access token to stdout (for curl)." };
        foreach (var option in new Option[] { url, org, kind, key, printToken }) login.Options.Add(option);

        login.SetAction((parse, cancellation) => Cli.RunAsync(async () =>
        {
            var profile = new Profile(parse.GetValue(url)!.TrimEnd('/'), parse.GetValue(org)!, parse.GetValue(kind)!, Path.GetFullPath(parse.GetValue(key)!));
            using var client = profile.CreateClient();
            var token = await client.GetAccessTokenAsync(cancellation);
            var name = parse.GetValue(Cli.ProfileOption)!;
            Profiles.Save(name, profile);
            Cli.Err.MarkupLine($"Logged in as {profile.Kind} {Markup.Escape(profile.OrganizationId)}; saved as profile '{Markup.Escape(name)}'.");
            if (parse.GetValue(printToken)) Console.Out.WriteLine(token);
        }));
        return login;
    }
}
