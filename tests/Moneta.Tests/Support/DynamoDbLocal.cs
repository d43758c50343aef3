using System.Diagnostics;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging.Abstractions;
using Moneta.Runtime.Storage;

namespace Moneta.Tests.Support;

/// <summary>
/// The DynamoDB Local engine the DynamoDB tests run against: the one at MONETA_DYNAMODB_URL (scripts/test.sh starts
/// it), or else one this test run starts through scripts/dynamodb-local.sh and that stops when the run ends. If it
/// cannot start, every DynamoDB test fails with the reason: they are never skipped. Each test gets tables of its own
/// (a fresh prefix), so tests share the engine but no data.
/// </summary>
public static partial class DynamoDbLocal
{
    private static readonly Lazy<string> Endpoint = new(Start, LazyThreadSafetyMode.ExecutionAndPublication);

    public static string Url => Endpoint.Value;

    /// <summary>A fresh table prefix, so that a test sees only its own data.</summary>
    public static string NewTablePrefix() => $"t{Guid.NewGuid():N}"[..13] + "_";

    public static DynamoDbStorageOptions Options(string tablePrefix) =>
        new() { ServiceUrl = Url, Region = "eu-central-1", TablePrefix = tablePrefix, CreateTables = true };

    public static DynamoDbStateStore CreateStorage(string? tablePrefix = null) =>
        new(Options(tablePrefix ?? NewTablePrefix()), NullLogger<DynamoDbStateStore>.Instance);

    /// <summary>Configuration (Key=Value) for a silo on these tables, in process or as a child process.</summary>
    public static string[] SiloSettings(string tablePrefix) =>
    [
        "Moneta:Storage:Provider=DynamoDB",
        $"Moneta:Storage:DynamoDB:ServiceUrl={Url}",
        "Moneta:Storage:DynamoDB:Region=eu-central-1",
        $"Moneta:Storage:DynamoDB:TablePrefix={tablePrefix}",
        "Moneta:Storage:DynamoDB:CreateTables=true",
    ];

    /// <summary>The same, as configuration for an in-process silo.</summary>
    public static Dictionary<string, string?> SiloConfiguration(string tablePrefix) =>
        SiloSettings(tablePrefix).Select(s => s.Split('=', 2)).ToDictionary(kv => kv[0], kv => (string?)kv[1]);

    private static string Start()
    {
        // DynamoDB Local accepts any credentials; these dummies go to the AWS SDK's standard chain (environment), in
        // this process and in the silo processes it starts.
        if (Environment.GetEnvironmentVariable("AWS_ACCESS_KEY_ID") is null)
        {
            Environment.SetEnvironmentVariable("AWS_ACCESS_KEY_ID", "local");
            Environment.SetEnvironmentVariable("AWS_SECRET_ACCESS_KEY", "local");
        }

        if (Environment.GetEnvironmentVariable("MONETA_DYNAMODB_URL") is { Length: > 0 } given)
            return given;

        var script = Path.Combine(Repository.Root, "scripts", "dynamodb-local.sh");
        var start = new ProcessStartInfo(script) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("start");
        start.ArgumentList.Add("--owner");
        start.ArgumentList.Add(Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not run {script}.");
        var errors = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(TimeSpan.FromMinutes(5)) || process.ExitCode != 0)
            throw new InvalidOperationException($"DynamoDB Local did not start ({script} start): {errors.Result}");

        var url = UrlLine().Match(output);
        var pid = PidLine().Match(output);
        if (!url.Success || !pid.Success)
            throw new InvalidOperationException($"{script} start printed no endpoint: {output}");

        var javaPid = int.Parse(pid.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Stop(javaPid);
        return url.Groups[1].Value;
    }

    private static void Stop(int pid)
    {
        try
        {
            using var java = Process.GetProcessById(pid);
            java.Kill();
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            // Already gone.
        }
    }

    [GeneratedRegex(@"MONETA_DYNAMODB_URL=(\S+)")]
    private static partial Regex UrlLine();

    [GeneratedRegex(@"MONETA_DYNAMODB_PID=(\d+)")]
    private static partial Regex PidLine();
}
