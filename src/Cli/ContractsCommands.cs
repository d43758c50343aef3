using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Moneta.Client;
using Spectre.Console;

namespace Moneta.Cli;

/// <summary>The contract flow: every step signed here, over the canonical signing input, with the profile's key.</summary>
internal static class ContractsCommands
{
    public static Command Build()
    {
        var contracts = new Command("contracts", "Initiate, sign, reject, void, read, list, audit and verify contracts.");
        contracts.Subcommands.Add(Initiate());
        contracts.Subcommands.Add(Step("sign", "Sign the contract at your turn (the terms as Moneta holds them, chained to the last signature).", (c, id, _, ct) => c.Contracts.SignAsync(id, cancellationToken: ct)));
        var reason = new Option<string>("--reason") { Description = "Why you decline (signed with the rejection).", Required = true };
        contracts.Subcommands.Add(Step("reject", "Decline the contract at your turn, with a signed reason.", (c, id, parse, ct) => c.Contracts.RejectAsync(id, parse.GetValue(reason)!, cancellationToken: ct), reason));
        contracts.Subcommands.Add(Step("void", "Withdraw a contract you initiated while it is pending.", (c, id, _, ct) => c.Contracts.VoidAsync(id, cancellationToken: ct)));
        contracts.Subcommands.Add(Step("get", "Show a contract.", (c, id, _, ct) => c.Contracts.GetAsync(id, ct)));
        contracts.Subcommands.Add(List());
        contracts.Subcommands.Add(Audit());
        contracts.Subcommands.Add(Verify());
        return contracts;
    }

    private static Command Initiate()
    {
        var command = new Command("initiate", "Initiate a transaction-contract as the MO: signs the terms and prints the contract id.");
        var publisher = new Option<string>("--publisher") { Description = "The publisher's organization id.", Required = true };
        var mpass = new Option<string>("--mpass") { Description = "The member's mPass id.", Required = true };
        var amount = new Option<string>("--amount") { Description = "A decimal string with the currency's digits, e.g. 12.50.", Required = true };
        var currency = new Option<string>("--currency") { Description = "ISO 4217 code, e.g. EUR.", Required = true };
        var description = new Option<string?>("--description") { Description = "Up to 500 characters." };
        var contractId = new Option<string?>("--contract-id") { Description = "Your id for the contract (default: a new UUID)." };
        foreach (var option in new Option[] { publisher, mpass, amount, currency, description, contractId }) command.Options.Add(option);
        command.SetAction((parse, cancellation) => Cli.RunAsync(async () =>
        {
            using var client = Cli.Partner(parse, out _);
            var payload = new JsonObject { ["amount"] = parse.GetValue(amount), ["currency"] = parse.GetValue(currency) };
            if (parse.GetValue(description) is { } text) payload["description"] = text;
            var contract = await client.Contracts.InitiateAsync(new NewContract(parse.GetValue(publisher)!, parse.GetValue(mpass)!, payload, parse.GetValue(contractId)), cancellationToken: cancellation);
            Cli.Err.MarkupLine($"Contract {Markup.Escape(contract.ContractId)} is {Markup.Escape(contract.Status)} (signed by {string.Join(", ", contract.SignaturesMap.Keys)}).");
            Console.Out.WriteLine(contract.ContractId);
        }));
        return command;
    }

    private static Command Step(string name, string description, Func<MonetaClient, string, ParseResult, CancellationToken, Task<Contract>> step, params Option[] options)
    {
        var command = new Command(name, description);
        var id = new Argument<string>("contract-id");
        command.Arguments.Add(id);
        foreach (var option in options) command.Options.Add(option);
        command.SetAction((parse, cancellation) => Cli.RunAsync(async () =>
        {
            using var client = Cli.Partner(parse, out _);
            ShowContract(parse, await step(client, parse.GetValue(id)!, parse, cancellation));
        }));
        return command;
    }

    private static Command List()
    {
        var command = new Command("list", "Your contracts, oldest first (every page).");
        var status = new Option<string?>("--status") { Description = "e.g. pending_publisher_signature, finalized." };
        var after = new Option<DateTimeOffset?>("--created-after") { Description = "RFC 3339, e.g. 2026-11-01T00:00:00Z." };
        var before = new Option<DateTimeOffset?>("--created-before") { Description = "RFC 3339." };
        foreach (var option in new Option[] { status, after, before }) command.Options.Add(option);
        command.SetAction((parse, cancellation) => Cli.RunAsync(async () =>
        {
            using var client = Cli.Partner(parse, out var profile);
            var query = new ContractQuery(
                MoId: profile.Kind == "mo" ? profile.OrganizationId : null, PublisherId: profile.Kind == "publisher" ? profile.OrganizationId : null,
                Status: parse.GetValue(status), CreatedAfter: parse.GetValue(after), CreatedBefore: parse.GetValue(before));
            var items = await client.Contracts.ListAsync(query, cancellation).ToListAsync(cancellation);
            if (parse.GetValue(Cli.JsonOption))
            {
                Console.Out.WriteLine(System.Text.Json.JsonSerializer.Serialize(items, Cli.Json));
                return;
            }

            var table = new Table().AddColumns("contract_id", "status", "amount", "created_at");
            foreach (var c in items)
                table.AddRow(Markup.Escape(c.ContractId), Markup.Escape(c.Status), Markup.Escape($"{c.Payload["amount"]} {c.Payload["currency"]}"), c.CreatedAt.ToString("u", CultureInfo.InvariantCulture));
            AnsiConsole.Write(table);
        }));
        return command;
    }

    private static Command Audit()
    {
        var command = new Command("audit", "The contract's hash-chained audit trail.");
        var id = new Argument<string>("contract-id");
        command.Arguments.Add(id);
        command.SetAction((parse, cancellation) => Cli.RunAsync(async () =>
        {
            using var client = Cli.Partner(parse, out _);
            var audit = await client.Contracts.GetAuditAsync(parse.GetValue(id)!, cancellation);
            if (parse.GetValue(Cli.JsonOption))
            {
                Console.Out.WriteLine(System.Text.Json.JsonSerializer.Serialize(audit, Cli.Json));
                return;
            }

            var table = new Table().AddColumns("#", "type", "at", "actor", "role", "detail");
            foreach (var e in audit.Events)
                table.AddRow(e.Sequence.ToString(CultureInfo.InvariantCulture), Markup.Escape(e.Type), e.At.ToString("O", CultureInfo.InvariantCulture), Markup.Escape(e.Actor), Markup.Escape(e.Role ?? ""), Markup.Escape(e.Detail ?? ""));
            AnsiConsole.Write(table);
            AnsiConsole.MarkupLine(audit.Verified ? "hash chain [green]verified[/]" : "hash chain [red]broken[/]");
        }));
        return command;
    }

    /// <summary>Moneta's own check, and an independent one here: Moneta's countersignature against its published keys.</summary>
    private static Command Verify()
    {
        var command = new Command("verify", "Check every signature and the audit chain (by Moneta), and Moneta's countersignature here with its published key.");
        var id = new Argument<string>("contract-id");
        command.Arguments.Add(id);
        command.SetAction((parse, cancellation) => Cli.RunAsync(async () =>
        {
            using var client = Cli.Partner(parse, out _);
            var contractId = parse.GetValue(id)!;
            var verification = await client.Contracts.VerifyAsync(contractId, cancellation);
            var contract = await client.Contracts.GetAsync(contractId, cancellation);
            var monetaKeys = await client.GetMonetaKeysAsync(cancellation);
            var locally = contract.SignaturesMap.TryGetValue("moneta", out var moneta)
                && monetaKeys.FirstOrDefault(k => k.Kid == moneta.Kid) is { } key && ContractSigning.Verify(contract, "moneta", key);

            var table = new Table().AddColumns("role", "kid", "signed_at", "valid");
            foreach (var s in verification.Signatures)
                table.AddRow(Markup.Escape(s.Role), Markup.Escape(s.Kid), s.SignedAt.ToString("O", CultureInfo.InvariantCulture), s.Valid ? "[green]yes[/]" : "[red]no[/]");
            AnsiConsole.Write(table);
            AnsiConsole.MarkupLine($"audit chain: {(verification.AuditVerified ? "[green]verified[/]" : "[red]broken[/]")}");
            AnsiConsole.MarkupLine($"Moneta's countersignature checked here with its published key: {(locally ? "[green]valid[/]" : "[red]invalid[/]")}");
            if (!verification.Verified || !locally) throw new CliException($"Contract {contractId} does not verify.");
            AnsiConsole.MarkupLine("[green]verified[/]");
        }));
        return command;
    }

    private static void ShowContract(ParseResult parse, Contract contract) =>
        Cli.Show(parse, contract,
            ("contract_id", contract.ContractId),
            ("status", contract.Status),
            ("template", $"{contract.TemplateId} v{contract.TemplateVersion}"),
            ("mo_id", contract.MoId),
            ("publisher_id", contract.PublisherId),
            ("mpass_id", contract.MpassId),
            ("payload", contract.Payload.ToJsonString()),
            ("signed by", string.Join(", ", contract.SignaturesMap.Keys)),
            ("expires_at", contract.ExpiresAt.ToString("O", CultureInfo.InvariantCulture)),
            ("finalized_at", contract.FinalizedAt?.ToString("O", CultureInfo.InvariantCulture)));
}
