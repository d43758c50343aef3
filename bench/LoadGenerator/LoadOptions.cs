using System.Globalization;

namespace Moneta.LoadGenerator;

/// <summary>The command line. Only a loopback URL is accepted: this tool is for a Moneta on the same machine.</summary>
internal sealed record LoadOptions(
    IReadOnlyList<Uri> Urls,
    string AdminToken,
    TimeSpan Duration,
    int Concurrency,
    TimeSpan Warmup,
    string? Issuer,
    string? JsonPath,
    bool Webhooks,
    int? SiloPid,
    TimeSpan EcdsaProbe,
    string? TimelinePath,
    bool Mixed = false,
    TimeSpan CloseEvery = default)
{
    /// <summary>Where setup requests go: the first silo.</summary>
    public Uri Url => Urls[0];

    public const string Usage = """
        Drives a running Moneta with complete contracts (MO initiates, Moneta countersigns, publisher signs).

        Usage: Moneta.LoadGenerator --url http://127.0.0.1:5080 --admin-token TOKEN [options]

          --url URL            Moneta's base URL; must be a loopback address (required). Repeat it for several
                               silos: requests go round-robin, and one that cannot connect goes to the next silo
                               (a load balancer's behaviour), which is skipped for a second
          --admin-token T      the silo's admin token (required; or environment variable Moneta__AdminToken)
          --duration S         measured seconds (default 30)
          --warmup S           seconds of load before measuring starts (default 5)
          --concurrency N      contracts in flight at once, and the connection limit (default 32)
          --issuer URL         the aud of client assertions (default: issuer from /.well-known/openid-configuration)
          --json PATH          also write the summary as JSON to PATH
          --webhooks           both parties register a webhook endpoint here; reports how soon webhooks arrive
          --silo-pid PID       the silo's process on this machine: reports its CPU per signing step over the
                               measured window and its memory per live activation
          --ecdsa-probe S      seconds spent, before the load, measuring raw ES256 sign+verify pairs on every
                               core, the physical bound the run is compared with (default 3; 0 skips it)
          --timeline PATH      also write, per 100 ms of the run, the requests answered, failed and re-sent
                               to another silo (JSON), to measure a failover
          --mixed              the money path too: the pair agrees settlement terms first, 2 % of charges are
                               disputed (1.00) and accepted, the publisher closes the open batch every
                               --close-every seconds; afterwards every line is checked to be in a batch once
          --close-every S      with --mixed: seconds between early closes (default 5)
        """;

    /// <exception cref="ArgumentException">The arguments are wrong; the message says which.</exception>
    public static LoadOptions Parse(string[] args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var urls = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            if (arg is "--webhooks" or "--mixed")
            {
                values[arg[2..]] = "true";
                continue;
            }

            if (!arg.StartsWith("--", StringComparison.Ordinal))
                throw new ArgumentException($"Unexpected argument '{arg}'.");
            string name, value;
            var equals = arg.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0)
            {
                (name, value) = (arg[2..equals], arg[(equals + 1)..]);
            }
            else
            {
                if (i + 1 >= args.Length)
                    throw new ArgumentException($"'{arg}' needs a value.");
                (name, value) = (arg[2..], args[++i]);
            }

            if (name == "url")
            {
                urls.Add(value);
                continue;
            }

            if (name is not ("admin-token" or "duration" or "warmup" or "concurrency" or "issuer" or "json" or "silo-pid" or "ecdsa-probe" or "timeline" or "close-every"))
                throw new ArgumentException($"Unknown option '--{name}'.");
            values[name] = value;
        }

        if (urls.Count == 0)
            throw new ArgumentException("--url is required.");

        var adminToken = values.GetValueOrDefault("admin-token") ?? Environment.GetEnvironmentVariable("Moneta__AdminToken");
        if (string.IsNullOrEmpty(adminToken))
            throw new ArgumentException("--admin-token (or environment variable Moneta__AdminToken) is required.");

        return new LoadOptions(
            [.. urls.Select(LoopbackUrl)],
            adminToken,
            TimeSpan.FromSeconds(Number(values, "duration", 30, 1, 3600)),
            Number(values, "concurrency", 32, 1, 1024),
            TimeSpan.FromSeconds(Number(values, "warmup", 5, 0, 600)),
            values.GetValueOrDefault("issuer"),
            values.GetValueOrDefault("json"),
            values.ContainsKey("webhooks"),
            values.ContainsKey("silo-pid") ? Number(values, "silo-pid", 0, 1, int.MaxValue) : null,
            TimeSpan.FromSeconds(Number(values, "ecdsa-probe", 3, 0, 60)),
            values.GetValueOrDefault("timeline"),
            values.ContainsKey("mixed"),
            TimeSpan.FromSeconds(Number(values, "close-every", 5, 1, 3600)));
    }

    private static Uri LoopbackUrl(string text)
    {
        if (!Uri.TryCreate(text, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
            throw new ArgumentException($"--url '{text}' is not an http(s) URL.");
        if (!url.IsLoopback)
            throw new ArgumentException($"--url '{text}' is not a loopback address; this tool only loads a Moneta on this machine.");
        return url.AbsolutePath.EndsWith('/') ? url : new Uri(url.GetLeftPart(UriPartial.Path) + "/");
    }

    private static int Number(Dictionary<string, string> values, string name, int fallback, int min, int max)
    {
        if (!values.TryGetValue(name, out var text))
            return fallback;
        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max
            ? value
            : throw new ArgumentException($"--{name} must be a whole number from {min} to {max}.");
    }
}
