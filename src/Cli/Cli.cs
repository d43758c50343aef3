using System.CommandLine;
using System.Text.Json;
using Moneta.Client;
using Spectre.Console;

namespace Moneta.Cli;

/// <summary>What every command shares: the profile and output options, the client they make, and how refusals are shown.</summary>
internal static class Cli
{
    public static readonly Option<string> ProfileOption = new("--profile")
    {
        Description = "The saved login to use (moneta login --profile NAME); default: $MONETA_PROFILE or 'default'.",
        Recursive = true,
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("MONETA_PROFILE") ?? "default",
    };

    public static readonly Option<bool> JsonOption = new("--json") { Description = "Print the answer as JSON.", Recursive = true };

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
    };

    /// <summary>Human-readable output; stdout stays for what scripts capture.</summary>
    public static readonly IAnsiConsole Err = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });

    /// <summary>A client for the profile's organization.</summary>
    public static MonetaClient Partner(ParseResult parse, out Profile profile)
    {
        profile = Profiles.Load(parse.GetValue(ProfileOption)!);
        return profile.CreateClient();
    }

    /// <summary>A client with the admin token: --url/$MONETA_URL and --admin-token/$MONETA_ADMIN_TOKEN.</summary>
    public static MonetaClient Admin(ParseResult parse, Option<string?> url, Option<string?> adminToken)
    {
        var baseAddress = parse.GetValue(url) ?? Environment.GetEnvironmentVariable("MONETA_URL")
            ?? throw new CliException("Give Moneta's address with --url or MONETA_URL.");
        var token = parse.GetValue(adminToken) ?? Environment.GetEnvironmentVariable("MONETA_ADMIN_TOKEN")
            ?? throw new CliException("Give the admin token with --admin-token or MONETA_ADMIN_TOKEN (in development: the file data/moneta-admin-token).");
        return new MonetaClient(new MonetaClientOptions { BaseAddress = new Uri(baseAddress), AdminToken = token });
    }

    public static (Option<string?> Url, Option<string?> AdminToken) AdminOptions(Command command)
    {
        var url = new Option<string?>("--url") { Description = "Moneta's base URL (default: $MONETA_URL)." };
        var token = new Option<string?>("--admin-token") { Description = "The admin token (default: $MONETA_ADMIN_TOKEN)." };
        command.Options.Add(url);
        command.Options.Add(token);
        return (url, token);
    }

    /// <summary>Runs a command, turning a refusal into a readable message and exit code 1.</summary>
    public static async Task<int> RunAsync(Func<Task> action)
    {
        try
        {
            await action();
            return 0;
        }
        catch (MonetaProblemException problem)
        {
            Err.MarkupLine($"[red]error[/] {Markup.Escape(problem.Code)} ({(int)problem.Status}): {Markup.Escape(problem.Detail ?? "")}");
            if (problem.SigningInputSha256 is { } theirs)
                Err.MarkupLine($"  Moneta verified over sha256 {theirs}; this CLI signed over {Markup.Escape(problem.LocalSigningInputSha256 ?? "?")}");
            if (problem.TraceId is { } trace) Err.MarkupLine($"  trace_id {Markup.Escape(trace)}");
            return 1;
        }
        catch (Exception e) when (e is CliException or HttpRequestException or IOException or Moneta.Crypto.InvalidJwkException)
        {
            Err.MarkupLine($"[red]error[/] {Markup.Escape(e.Message)}");
            return 1;
        }
    }

    /// <summary>The answer as JSON (with --json) or as a table of the members a person looks at.</summary>
    public static void Show(ParseResult parse, object value, params (string Name, string? Value)[] rows)
    {
        if (parse.GetValue(JsonOption))
        {
            Console.Out.WriteLine(JsonSerializer.Serialize(value, value.GetType(), Json));
            return;
        }

        var table = new Table().HideHeaders().AddColumn("").AddColumn("");
        foreach (var (name, text) in rows) table.AddRow(Markup.Escape(name), Markup.Escape(text ?? "—"));
        AnsiConsole.Write(table);
    }
}

/// <summary>A mistake in how the CLI was used, told in one line.</summary>
internal sealed class CliException(string message) : Exception(message);
