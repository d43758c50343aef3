using System.CommandLine;
using System.Text.Json.Nodes;
using System.Xml;
using Moneta.Client;
using Spectre.Console;

namespace Moneta.Cli;

/// <summary>What an operator needs for onboarding (with the admin token), and the sandbox clock.</summary>
internal static class AdminCommands
{
    public static Command Build()
    {
        var admin = new Command("admin", "Operator commands (admin token): onboard organizations, advance the sandbox clock.");
        admin.Subcommands.Add(Organizations());
        admin.Subcommands.Add(Clock());
        return admin;
    }

    private static Command Organizations()
    {
        var register = new Command("register", "Register an organization with its public key; prints its id. It starts pending: activate it.");
        var (url, token) = Cli.AdminOptions(register);
        var kind = new Option<string>("--kind") { Description = "mo or publisher.", Required = true };
        kind.AcceptOnlyFromAmong("mo", "publisher");
        var name = new Option<string>("--name") { Required = true };
        var mic = new Option<string?>("--mic") { Description = "The MO's Moneta Issuer Code (MOs only)." };
        var id = new Option<string?>("--id") { Description = "Choose the id (default: a new UUID)." };
        var publicKey = new Option<string>("--public-key") { Description = "The public JWK file (moneta keys generate's output).", Required = true };
        foreach (var option in new Option[] { kind, name, mic, id, publicKey }) register.Options.Add(option);
        register.SetAction((parse, cancellation) => Cli.RunAsync(async () =>
        {
            var jwkFile = parse.GetValue(publicKey)!;
            var jwk = File.Exists(jwkFile) ? JsonNode.Parse(File.ReadAllText(jwkFile)) as JsonObject : null;
            if (jwk is null) throw new CliException($"'{jwkFile}' is not a JWK file.");
            using var client = Cli.Admin(parse, url, token);
            var organization = await client.Organizations.RegisterAsync(parse.GetValue(kind)!, new NewOrganization(parse.GetValue(name)!, [jwk], parse.GetValue(id), parse.GetValue(mic)), cancellationToken: cancellation);
            Cli.Err.MarkupLine($"Registered {Markup.Escape(organization.Kind)} '{Markup.Escape(organization.Name)}' ({Markup.Escape(organization.Status)}).");
            Console.Out.WriteLine(organization.Id);
        }));

        var organizations = new Command("organizations", "Register organizations and move them through their lifecycle.");
        organizations.Subcommands.Add(register);
        organizations.Subcommands.Add(StatusChange("activate", "active", "Activate an organization: it may then obtain tokens and take part in contracts."));
        organizations.Subcommands.Add(StatusChange("suspend", "suspended", "Suspend an organization: its tokens stop working at once."));
        organizations.Subcommands.Add(List());
        return organizations;
    }

    private static Command StatusChange(string name, string status, string description)
    {
        var command = new Command(name, description);
        var (url, token) = Cli.AdminOptions(command);
        var kind = new Option<string>("--kind") { Required = true };
        kind.AcceptOnlyFromAmong("mo", "publisher");
        var id = new Argument<string>("organization-id");
        var reason = new Option<string?>("--reason");
        command.Options.Add(kind);
        command.Options.Add(reason);
        command.Arguments.Add(id);
        command.SetAction((parse, cancellation) => Cli.RunAsync(async () =>
        {
            using var client = Cli.Admin(parse, url, token);
            var organization = await client.Organizations.ChangeStatusAsync(parse.GetValue(kind)!, parse.GetValue(id)!, status, parse.GetValue(reason), cancellation);
            Cli.Err.MarkupLine($"{Markup.Escape(organization.Kind)} {Markup.Escape(organization.Id)} is {Markup.Escape(organization.Status)}.");
        }));
        return command;
    }

    private static Command List()
    {
        var command = new Command("list", "Organizations of one kind.");
        var (url, token) = Cli.AdminOptions(command);
        var kind = new Option<string>("--kind") { Required = true };
        kind.AcceptOnlyFromAmong("mo", "publisher");
        command.Options.Add(kind);
        command.SetAction((parse, cancellation) => Cli.RunAsync(async () =>
        {
            using var client = Cli.Admin(parse, url, token);
            var table = new Table().AddColumns("id", "name", "status", "keys");
            await foreach (var o in client.Organizations.ListAsync(parse.GetValue(kind)!, cancellationToken: cancellation))
                table.AddRow(Markup.Escape(o.Id), Markup.Escape(o.Name), Markup.Escape(o.Status), Markup.Escape(string.Join(", ", o.Keys.Select(k => k.Kid))));
            AnsiConsole.Write(table);
        }));
        return command;
    }

    private static Command Clock()
    {
        var advance = new Command("advance", "Move Moneta's clock forward (Development and Sandbox only): deadlines pass, reminders fire, tokens age.");
        var (url, token) = Cli.AdminOptions(advance);
        var by = new Argument<string>("duration") { Description = "ISO 8601, e.g. PT1H or P8D." };
        advance.Arguments.Add(by);
        advance.SetAction((parse, cancellation) => Cli.RunAsync(async () =>
        {
            TimeSpan duration;
            try
            {
                duration = XmlConvert.ToTimeSpan(parse.GetValue(by)!);
            }
            catch (FormatException)
            {
                throw new CliException("The duration is ISO 8601, e.g. PT1H or P8D.");
            }

            using var client = Cli.Admin(parse, url, token);
            var clock = await client.Sandbox.AdvanceClockAsync(duration, cancellation);
            Cli.Err.MarkupLine($"Moneta's time is now {clock.Now:O} ({clock.OffsetSeconds} s ahead of real time).");
        }));

        var show = new Command("show", "Moneta's time and how far ahead of real time it runs.");
        var (showUrl, showToken) = Cli.AdminOptions(show);
        show.SetAction((parse, cancellation) => Cli.RunAsync(async () =>
        {
            using var client = Cli.Admin(parse, showUrl, showToken);
            var clock = await client.Sandbox.GetClockAsync(cancellation);
            Cli.Show(parse, clock, ("now", clock.Now.ToString("O")), ("offset_seconds", clock.OffsetSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }));

        var command = new Command("clock", "The sandbox clock.");
        command.Subcommands.Add(advance);
        command.Subcommands.Add(show);
        return command;
    }
}
