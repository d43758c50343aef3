using System.CommandLine;

namespace Moneta.Cli;

internal static class MPassCommands
{
    public static Command Build()
    {
        var issue = new Command("issue", "Issue an mPass to a member of your MO; prints its id.");
        var tier = new Option<string>("--tier") { Description = "The member's tier, e.g. gold.", Required = true };
        issue.Options.Add(tier);
        issue.SetAction((parse, cancellation) => Cli.RunAsync(async () =>
        {
            using var client = Cli.Partner(parse, out _);
            var mpass = await client.MPasses.IssueAsync(parse.GetValue(tier)!, cancellationToken: cancellation);
            Console.Out.WriteLine(mpass.Id);
        }));

        var get = new Command("get", "Show an mPass.");
        var id = new Argument<string>("mpass-id");
        get.Arguments.Add(id);
        get.SetAction((parse, cancellation) => Cli.RunAsync(async () =>
        {
            using var client = Cli.Partner(parse, out _);
            var mpass = await client.MPasses.GetAsync(parse.GetValue(id)!, cancellation);
            Cli.Show(parse, mpass, ("id", mpass.Id), ("mo_id", mpass.MoId), ("tier", mpass.Tier), ("status", mpass.Status), ("valid_until", mpass.ValidUntil?.ToString("O")));
        }));

        var mpassCommand = new Command("mpass", "mPasses (MO).");
        mpassCommand.Subcommands.Add(issue);
        mpassCommand.Subcommands.Add(get);
        return mpassCommand;
    }
}
