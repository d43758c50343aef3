using System.CommandLine;
using Moneta.Cli;

// moneta: a partner's (and an operator's) way to Moneta from a terminal. Each command is a thin layer over the
// Moneta.Client SDK; what a command prints for a person goes to stderr, what a script needs (an id) to stdout.
var root = new RootCommand("Moneta from the terminal: keys, tokens, contracts, webhooks and onboarding.");
root.Options.Add(Cli.ProfileOption);
root.Options.Add(Cli.JsonOption);
root.Subcommands.Add(KeysCommands.Build());
root.Subcommands.Add(LoginCommand.Build());
root.Subcommands.Add(MPassCommands.Build());
root.Subcommands.Add(ContractsCommands.Build());
root.Subcommands.Add(WebhooksCommands.Build());
root.Subcommands.Add(AdminCommands.Build());
return await root.Parse(args).InvokeAsync();
