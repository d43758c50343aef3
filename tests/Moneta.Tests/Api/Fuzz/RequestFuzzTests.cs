using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using Moneta.Api.Auth;
using Moneta.Crypto;
using Moneta.Tests.Support;

namespace Moneta.Tests.Api.Fuzz;

/// <summary>
/// Throws at the silo everything a client controls besides JSON bodies: path segments and query parameters of
/// every GET route, odd headers on every route, methods a route does not answer, wrong media types, and malformed
/// token requests. Each request goes out as the administrator, as a partner with a valid token and anonymously.
/// The cases are the kept corpus in corpus/requests/*.http (each an input that once failed, or one worth keeping)
/// plus mutations generated from a fixed seed. No answer may be a 5xx, every refusal must be a problem with a
/// code, and nothing sent here may change the store.
/// </summary>
public sealed class RequestFuzzTests : IAsyncLifetime
{
    private const int Seed = 20261121;

    private SiloCluster _cluster = null!;
    private ContractScenario _scenario = null!;
    private string _contractId = "";
    private string _endpointId = "";
    private string _siloAddress = "";
    private SettlementScenario _settlement = null!;
    private string _batchId = "";
    private readonly List<(string Name, HttpClient Client)> _callers = [];

    private TestSilo Silo => _cluster.First;

    public async Task InitializeAsync()
    {
        // Anonymous requests count against one address; the fuzzing is meant to reach the endpoints, not the limiter.
        _cluster = await SiloCluster.StartAsync(settings: new Dictionary<string, string?> { ["Moneta:RateLimits:Enabled"] = "false" });
        _scenario = await ContractScenario.CreateAsync(Silo);
        _contractId = (await _scenario.InitiateAsync())["contract_id"]!.GetValue<string>();
        var endpoint = await Json.ReadAsync(await Silo.Admin.PostAsJsonAsync($"/api/v1/organizations/mo/{_scenario.Mo.Id}/webhooks", new { url = "https://example.com/fuzz" }), System.Net.HttpStatusCode.Created);
        _endpointId = endpoint["endpoint"]!["id"]!.GetValue<string>();
        var cluster = await Json.ReadAsync(await Silo.Admin.GetAsync("/api/v1/admin/cluster"), System.Net.HttpStatusCode.OK);
        _siloAddress = cluster["silos"]![0]!["address"]!.GetValue<string>();
        // A batch of a pair nobody listens to: settling it leaves no webhook to retry while the store is compared.
        _settlement = await SettlementScenario.CreateAsync(Silo);
        await _settlement.AgreeTermsAsync();
        await _settlement.ChargeAsync();
        _batchId = (await _settlement.WaitForBatchAsync(b => SettlementScenario.Is(b, "open", lines: 1), "the charge is in the open batch"))["batch_id"]!.GetValue<string>();

        _callers.Add(("admin", NewClient(TestSilo.AdminToken)));
        _callers.Add(("partner", NewClient(_scenario.Mo.AccessToken)));
        _callers.Add(("anonymous", NewClient(null)));
    }

    public async Task DisposeAsync()
    {
        _callers.ForEach(c => c.Client.Dispose());
        await _cluster.DisposeAsync();
    }

    [Fact]
    public async Task No_request_a_client_can_send_causes_a_5xx_a_refusal_without_a_problem_or_a_change()
    {
        var failures = new List<string>();
        var requests = 0;
        var cases = Corpus().Concat(ReadRouteCases()).Concat(HeaderCases()).Concat(MethodCases()).Concat(MediaTypeCases()).Concat(TokenCases()).ToList();

        // Reads first, and none of them may change anything. Then the rest, where a header or a method a route
        // does not refuse may well succeed (voiding the contract, say): only a refused request must leave the store alone.
        var before = FuzzChecks.StoreDigest(_cluster);
        foreach (var fuzzCase in cases.Where(c => c.Method is "GET" or "HEAD"))
            await SendAsync(fuzzCase, checkStore: false);
        Assert.True(before == FuzzChecks.StoreDigest(_cluster), "a GET or HEAD request changed the store");
        foreach (var fuzzCase in cases.Where(c => c.Method is not ("GET" or "HEAD")))
            await SendAsync(fuzzCase, checkStore: true);

        Assert.True(requests > 3000, $"only {requests} requests were sent");
        Assert.True(failures.Count == 0, $"{failures.Count} of {requests} requests broke the rule:\n" + string.Join("\n", failures.Take(30)));

        async Task SendAsync(FuzzCase fuzzCase, bool checkStore)
        {
            foreach (var (caller, client) in _callers)
            {
                var stored = checkStore ? FuzzChecks.StoreDigest(_cluster) : null;
                using var request = fuzzCase.ToRequest();
                // Headers first: a 2xx may be a stream that never ends (the dashboard's log stream); refusals are read whole.
                using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
                requests++;
                var violation = await FuzzChecks.ViolationAsync(response, fuzzCase.Method);
                if (violation is null && stored is not null && (int)response.StatusCode >= 400 && FuzzChecks.StoreDigest(_cluster) != stored)
                    violation = $"{(int)response.StatusCode} refused, yet the store changed";
                if (violation is not null)
                    failures.Add($"{caller}: {fuzzCase.Name}: {fuzzCase.Method} {Shorten(fuzzCase.PathAndQuery)} -> {Shorten(violation)}");
            }
        }
    }

    [Fact]
    public void Every_route_parameter_has_a_value_to_fuzz_around()
    {
        var routes = AuthorizationMatrix.Rules.Select(r => r.Route).ToList();

        Assert.All(routes, route => Assert.DoesNotContain("{", Url(route, null, null)));
        Assert.All(routes, route => Assert.DoesNotContain("{", MissingUrl(route)));
    }

    /// <summary>Valid values for each route parameter, so that one mutated segment is the only thing wrong.</summary>
    private Dictionary<string, string> Values(string route) => new()
    {
        ["kind"] = "mo",
        ["id"] = route.StartsWith("/api/v1/mpass", StringComparison.Ordinal) ? _scenario.MpassId
            : route.StartsWith("/api/v1/contracts", StringComparison.Ordinal) ? _contractId
            : _scenario.Mo.Id,
        ["name"] = "transaction-contract",
        ["version:int"] = "1",
        ["endpoint_id"] = _endpointId,
        ["delivery_id"] = "3f2504e0-4f89-41d3-9a0c-0305e82c3301",
        ["kid"] = _scenario.Mo.Key.Kid,
        ["documentName?"] = "v1",
        // The Orleans Dashboard's routes
        ["**path"] = route.Contains("/img/", StringComparison.Ordinal) ? "OrleansLogo.png" : "fa-solid-900.woff2",
        ["*path"] = _siloAddress,
        ["*address"] = _siloAddress,
        ["*grainName"] = "Moneta.Grains.Contracts.ContractGrain",
        ["page:int"] = "1",
        ["batch_id"] = _batchId,
    };

    /// <summary>
    /// A write route addressed at resources that do not exist, so that no header, method or media type can make it
    /// succeed: a write that succeeded would start background work (events, webhooks) that changes the store while
    /// later refusals are being checked.
    /// </summary>
    private static string MissingUrl(string route)
    {
        foreach (var parameter in new[] { "id", "endpoint_id", "delivery_id", "kid", "name", "batch_id", "**path", "*path", "*address", "*grainName" })
            route = route.Replace("{" + parameter + "}", "fuzz-missing", StringComparison.Ordinal);
        return route.Replace("{kind}", "mo", StringComparison.Ordinal).Replace("{version:int}", "0", StringComparison.Ordinal)
            .Replace("{page:int}", "0", StringComparison.Ordinal).Replace("{documentName?}", "v1", StringComparison.Ordinal);
    }

    /// <summary>The route with every parameter filled in, except <paramref name="parameter"/>, which gets <paramref name="raw"/> as sent.</summary>
    private string Url(string route, string? parameter, string? raw)
    {
        foreach (var (name, value) in Values(route))
            route = route.Replace("{" + name + "}", name == parameter ? raw : value, StringComparison.Ordinal);
        return route;
    }

    /// <summary>The query that makes a list route answer at all (it needs one filter), to which mutations add.</summary>
    private string BaseQuery(string route) => route switch
    {
        "/api/v1/contracts/" => $"mo_id={_scenario.Mo.Id}",
        "/api/v1/mpass/" => $"mo_id={_scenario.Mo.Id}",
        "/api/v1/webhooks/deliveries/" => $"endpoint_id={_endpointId}",
        "/api/v1/settlements/" => $"mo_id={_settlement.Mo.Id}",
        _ => "",
    };

    private IEnumerable<FuzzCase> ReadRouteCases()
    {
        var random = new Random(Seed);
        var segments = SegmentValues(random).ToList();
        var queries = QueryValues(random).ToList();
        foreach (var route in AuthorizationMatrix.Rules.Where(r => r.Method == "GET").Select(r => r.Route))
        {
            foreach (var parameter in Values(route).Keys.Where(p => route.Contains("{" + p + "}", StringComparison.Ordinal)))
            {
                foreach (var (name, raw) in segments)
                    yield return FuzzCase.Get($"{route} {{{parameter}}} := {name}", Url(route, parameter, raw));
            }

            var query = BaseQuery(route);
            foreach (var (name, raw) in queries)
                yield return FuzzCase.Get($"{route} ?{name}", Url(route, null, null) + "?" + (query.Length > 0 ? query + "&" : "") + raw);
            if (query.Length > 0)
                yield return FuzzCase.Get($"{route} without its filter", Url(route, null, null));
        }

        // Filters other than the one BaseQuery uses, each with odd values.
        foreach (var filter in new[] { "publisher_id", "mpass_id", "status" })
        {
            foreach (var (name, raw) in segments.Take(24))
                yield return FuzzCase.Get($"contracts ?{filter}={name}", $"/api/v1/contracts/?{filter}={raw}");
        }

        yield return FuzzCase.Get("contracts with two filters", $"/api/v1/contracts/?mo_id={_scenario.Mo.Id}&status=signed");
        yield return FuzzCase.Get("organizations of an unknown status", "/api/v1/organizations/mo?status=ACTIVE");
        yield return FuzzCase.Get("deliveries of an unknown status", $"/api/v1/webhooks/deliveries/?endpoint_id={_endpointId}&status=nope");
    }

    /// <summary>
    /// Path segments as sent on the wire (already percent-encoded where a client would have to). Not %00: Kestrel
    /// refuses a NUL in the path with an empty 400 before any of Moneta's code runs, so there is nothing of ours to test.
    /// </summary>
    private static IEnumerable<(string Name, string Raw)> SegmentValues(Random random)
    {
        string[] fixedValues =
        [
            "%2F", "a%2Fb", "..%2F..%2Fadmin", "%2e%2e", "%2E", ".%2e", "a%0Ab", "%0D%0A", "%09", "%7F", "%20", "a%20b",
            "%C3%A9", "%E2%80%AE", "%F0%9F%98%80", "%EF%BC%A1", "%ED%A0%80", "%FF%FE", "%C0%AF", "%", "%ZZ", "%25", "%252F", "%5C",
            "a;b", "a:b", "*", "~", "%22", "%27", "%3Cscript%3E", "+", "a+b", "-1", "0", "2147483648", "99999999999999999999", "1e3", "0x10",
            "mo", "publisher", "MO", "admin", new string('a', 129), new string('a', 4000), new string(':', 128), new string('.', 128),
        ];
        foreach (var value in fixedValues)
            yield return (value.Length > 24 ? $"{value[..8]}... ({value.Length} chars)" : value, value);

        for (var i = 0; i < 6; i++)
        {
            var bytes = new byte[random.Next(1, 40)];
            random.NextBytes(bytes);
            yield return ($"random bytes #{i}", Uri.EscapeDataString(Encoding.Latin1.GetString(bytes)));
        }
    }

    private static IEnumerable<(string Name, string Raw)> QueryValues(Random random)
    {
        foreach (var (name, cursor) in Cursors(random))
            yield return ($"cursor={name}", "cursor=" + cursor);

        string[] limits = ["0", "-1", "1", "200", "201", "2147483647", "2147483648", "99999999999999999999", "abc", "1.5", "", "%00", "1e2", "%201", "0x10", "%EF%BC%91"];
        foreach (var limit in limits)
            yield return ($"limit={limit}", "limit=" + limit);
        yield return ("limit twice", "limit=1&limit=2");
        yield return ("cursor twice", "cursor=a&cursor=b");

        string[] statuses = ["nope", "ACTIVE", "active%00", "", "%C3%A9", "a%2Fb", new string('s', 2000), "signed", "dead"];
        foreach (var status in statuses)
            yield return ($"status={(status.Length > 24 ? "long" : status)}", "status=" + status);

        yield return ("kind unknown", "kind=bank");
        yield return ("not a query", "&&&==&");
        yield return ("bare percent", "%");
        yield return ("key without value", "cursor");
        yield return ("unicode key", "%C3%A9=1");
        yield return ("mo_id of another", "mo_id=someone-else");
        yield return ("mo_id unreadable", "mo_id=%ED%A0%80");
    }

    private static IEnumerable<(string Name, string Raw)> Cursors(Random random)
    {
        for (var i = 0; i < 6; i++)
        {
            var bytes = new byte[random.Next(1, 64)];
            random.NextBytes(bytes);
            yield return ($"random base64url #{i}", Base64Url(bytes));
        }

        string[] shapes =
        [
            "[]", "[1,2]", "[\"a\"]", "[\"a\",\"b\",\"c\"]", "[null,null]", "[\"a\",null]", "[1e400,\"x\"]", "[99999999999999999999999,\"x\"]",
            "{\"a\":1}", "\"str\"", "[[\"a\"],\"b\"]", "[\"\\ud800\",\"x\"]", "[\"\",\"\"]", "[\"%\",\"_\"]", "[\"'\",\"\\\"\"]", "[true,false]",
            "[\"a\",\"b\"]", "[\"\\u0000\",\"\\u0000\"]", "[\"" + new string('z', 700) + "\",\"z\"]", new string('[', 200) + new string(']', 200), "null", "",
        ];
        foreach (var shape in shapes)
            yield return ($"base64url of {(shape.Length > 24 ? shape[..12] + "..." : shape)}", Base64Url(Encoding.UTF8.GetBytes(shape)));

        yield return ("empty", "");
        yield return ("padding", "W10=");
        yield return ("not base64", "!!!");
        yield return ("1025 chars", new string('A', 1025));
        yield return ("6000 chars", new string('A', 6000));
        yield return ("1", "1");
        yield return ("-1", "-1");
        yield return ("huge page", "999999999999");
        yield return ("2147483648", "2147483648");
        yield return ("+1", "%2B1");
        yield return ("unicode digit", "%D9%A1");
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>Odd headers, each on every route of the matrix (GET without a body, POST and PUT with an empty JSON object).</summary>
    private IEnumerable<FuzzCase> HeaderCases()
    {
        var random = new Random(Seed + 1);
        var foreignToken = new AccessTokens(
            new MonetaAuthOptions { Issuer = TestSilo.Issuer }, new MonetaKeys(SigningKey.Generate(), []), TimeProvider.System).Issue(_scenario.Mo.Id, "mo").Token;
        (string Name, string Header, string[] Values)[] headers =
        [
            ("no scheme", "Authorization", ["abc"]),
            ("empty", "Authorization", [""]),
            ("Bearer alone", "Authorization", ["Bearer"]),
            ("Bearer and spaces", "Authorization", ["Bearer    "]),
            ("Basic", "Authorization", ["Basic YWRtaW46YWRtaW4="]),
            ("Bearer garbage", "Authorization", ["Bearer " + Base64Url(RandomBytes(random, 300))]),
            ("Bearer three dots", "Authorization", ["Bearer a.b.c"]),
            ("Bearer alg none", "Authorization", ["Bearer eyJhbGciOiJub25lIiwidHlwIjoiYXQrand0In0.eyJzdWIiOiJ4Iiwia2luZCI6Im1vIn0."]),
            ("Bearer signed by another key", "Authorization", ["Bearer " + foreignToken]),
            ("Bearer huge", "Authorization", ["Bearer " + new string('a', 12_000)]),
            ("Bearer unicode", "Authorization", ["Bearer \u00e9\u4e2d\ud83d\ude00"]),
            ("two bearers in one", "Authorization", ["Bearer a, Bearer b"]),
            ("two Authorization headers", "Authorization", ["Bearer " + TestSilo.AdminToken, "Bearer " + _scenario.Mo.AccessToken]),
            ("admin token with a suffix", "Authorization", ["Bearer " + TestSilo.AdminToken + "x"]),
            ("traceparent garbage", "traceparent", ["garbage"]),
            ("traceparent all zeros", "traceparent", ["00-00000000000000000000000000000000-0000000000000000-01"]),
            ("traceparent version ff", "traceparent", ["ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"]),
            ("traceparent with extra", "traceparent", ["00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra"]),
            ("traceparent huge", "traceparent", ["00-" + new string('f', 12_000)]),
            ("two traceparents", "traceparent", ["00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", "00-4bf92f3577b34da6a3ce929d0e0e4737-00f067aa0ba902b8-01"]),
            ("tracestate garbage", "tracestate", ["===,,,=" + new string('x', 600)]),
            ("baggage garbage", "baggage", ["%%%;;;==,,"]),
            ("huge unknown header", "X-Fuzz", [new string('x', 14_000)]),
            ("X-Forwarded-For garbage", "X-Forwarded-For", ["not-an-address, ::ffff:999.1.1.1"]),
            ("Accept xml only", "Accept", ["application/xml"]),
            ("Accept garbage", "Accept", [";;;q=abc"]),
            ("Accept-Charset", "Accept-Charset", ["utf-7"]),
        ];

        foreach (var rule in AuthorizationMatrix.Rules)
        {
            foreach (var (name, header, values) in headers)
            {
                var fuzzCase = rule.Method is "POST" or "PUT"
                    ? new FuzzCase($"{rule.Route} with {name}", rule.Method, MissingUrl(rule.Route), "application/json", "{}"u8.ToArray())
                    : rule.Method != "GET" ? new FuzzCase($"{rule.Route} with {name}", rule.Method, MissingUrl(rule.Route))
                : new FuzzCase($"{rule.Route} with {name}", rule.Method, Url(rule.Route, null, null) + (BaseQuery(rule.Route) is { Length: > 0 } q ? "?" + q : ""));
                yield return fuzzCase with { Headers = [.. values.Select(v => (header, v))] };
            }
        }
    }

    private static byte[] RandomBytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }

    /// <summary>Each route with the methods it does not answer.</summary>
    private IEnumerable<FuzzCase> MethodCases()
    {
        string[] methods = ["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "FUZZ"];
        foreach (var route in AuthorizationMatrix.Rules.Select(r => r.Route).Distinct())
        {
            var mapped = AuthorizationMatrix.Rules.Where(r => r.Route == route).Select(r => r.Method).ToHashSet();
            foreach (var method in methods.Where(m => !mapped.Contains(m)))
                yield return new FuzzCase($"{route} by {method}", method, method is "GET" or "HEAD" ? Url(route, null, null) : MissingUrl(route), method is "POST" or "PUT" or "PATCH" ? "application/json" : null, method is "POST" or "PUT" or "PATCH" ? "{}"u8.ToArray() : null);
        }
    }

    /// <summary>Every POST and PUT with a body in a media type it does not take, or with none.</summary>
    private IEnumerable<FuzzCase> MediaTypeCases()
    {
        string[] mediaTypes =
        [
            "text/plain", "application/xml", "application/json; charset=utf-16", "application/json; charset=bogus", "application/json; charset=\"",
            "multipart/form-data; boundary=x", "multipart/form-data", "application/x-www-form-urlencoded", "*/*", "application/problem+json",
            "application/json-patch+json", "application/json; q=abc",
        ];
        foreach (var rule in AuthorizationMatrix.Rules.Where(r => r.Method is "POST" or "PUT"))
        {
            var url = MissingUrl(rule.Route);
            foreach (var mediaType in mediaTypes)
                yield return new FuzzCase($"{rule.Route} as {mediaType}", rule.Method, url, mediaType, "{\"reason\":\"fuzz\"}"u8.ToArray());
            yield return new FuzzCase($"{rule.Route} without a media type", rule.Method, url, null, "{\"reason\":\"fuzz\"}"u8.ToArray());
            yield return new FuzzCase($"{rule.Route} without a body", rule.Method, url);
        }
    }

    /// <summary>Form bodies for the token endpoint: malformed encodings, odd fields, and assertions that are not quite JWTs.</summary>
    private IEnumerable<FuzzCase> TokenCases()
    {
        const string assertionType = "client_assertion_type=urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer";
        var valid = $"grant_type=client_credentials&{assertionType}&client_assertion=";
        var unsigned = _scenario.Mo.CreateAssertion(signWith: SigningKey.Generate());
        var random = new Random(Seed + 2);
        string Segment(string json) => Base64Url(Encoding.UTF8.GetBytes(json));
        string[] assertions =
        [
            unsigned, "", "a.b.c", "...", "a..b", Base64Url(RandomBytes(random, 200)), $"{Segment("{\"alg\":\"none\"}")}.{Segment($"{{\"iss\":\"{_scenario.Mo.Id}\"}}")}.",
            $"{Segment("{\"alg\":\"ES256\"}")}.{Segment("{\"iss\":42}")}.AAAA", $"{Segment("{\"alg\":\"ES256\"}")}.{Segment("{\"iss\":[\"a\",\"b\"]}")}.AAAA",
            $"{Segment("{\"alg\":\"ES256\"}")}.{Segment("[1,2,3]")}.AAAA", $"{Segment("[]")}.{Segment("{}")}.AAAA", $"{Segment("{\"alg\":\"ES256\"}")}.{Segment($"{{\"iss\":\"{_scenario.Mo.Id}\",\"exp\":1e400}}")}.AAAA",
            $"{Segment("{\"alg\":\"ES256\"}")}.{Segment($"{{\"iss\":\"{_scenario.Mo.Id}\",\"exp\":\"soon\",\"jti\":7}}")}.AAAA", $"{Segment("{\"alg\":\"HS256\",\"kid\":\"" + _scenario.Mo.Key.Kid + "\"}")}.{Segment($"{{\"iss\":\"{_scenario.Mo.Id}\"}}")}.AAAA",
            $"{Segment(new string('[', 500) + new string(']', 500))}.{Segment("{}")}.AAAA", $"{Segment("{\"alg\":\"ES256\"}")}.{Segment("{\"iss\":\"\\ud800\"}")}.AAAA",
            $"{Segment("{\"alg\":\"ES256\"}")}.{Segment($"{{\"iss\":\"{new string('a', 3000)}\"}}")}.AAAA", "%ZZ", "eyJ" + new string('A', 20_000),
        ];
        foreach (var (assertion, i) in assertions.Select((a, i) => (a, i)))
            yield return TokenRequest($"assertion #{i}", valid + Uri.EscapeDataString(assertion));

        string[] forms =
        [
            "", "=", "&&&", "grant_type", "grant_type=client_credentials", $"grant_type=client_credentials&grant_type=client_credentials&{assertionType}&client_assertion={unsigned}",
            $"grant_type=password&{assertionType}&client_assertion={unsigned}", $"grant_type=client_credentials&client_assertion_type=x&client_assertion={unsigned}",
            $"{valid}{unsigned}&client_id=someone-else", $"{valid}{unsigned}&client_id=%ED%A0%80", "%ZZ=%ZZ", "%", "grant_type=client%00credentials",
            "grant_type=%C3%A9", new string('k', 3000) + "=v", "k=" + new string('v', 30_000), string.Join("&", Enumerable.Range(0, 1100).Select(i => $"f{i}=1")),
            "{\"grant_type\":\"client_credentials\"}",
        ];
        foreach (var (form, i) in forms.Select((f, i) => (f, i)))
            yield return TokenRequest($"form #{i}", form);

        var body = Encoding.UTF8.GetBytes(valid + unsigned);
        foreach (var mediaType in new[] { "application/json", "text/plain", "multipart/form-data; boundary=zz", "multipart/form-data", "application/x-www-form-urlencoded; charset=utf-16", "application/x-www-form-urlencoded; charset=nope" })
            yield return new FuzzCase($"token as {mediaType}", "POST", "/api/v1/auth/token", mediaType, body);
        yield return new FuzzCase("token multipart with a broken part", "POST", "/api/v1/auth/token", "multipart/form-data; boundary=zz", "--zz\r\nContent-Disposition: form-data; name=\"grant_type\"\r\n\r\nclient_credentials\r\n--zz"u8.ToArray());
        yield return new FuzzCase("token without a body", "POST", "/api/v1/auth/token");
    }

    private static FuzzCase TokenRequest(string name, string form) =>
        new($"token {name}", "POST", "/api/v1/auth/token", "application/x-www-form-urlencoded", Encoding.UTF8.GetBytes(form));

    /// <summary>The kept requests: method and target on the first line, headers, a blank line, the body (see corpus/requests/README.md).</summary>
    private static IEnumerable<FuzzCase> Corpus()
    {
        var directory = Path.Combine(Repository.Root, "tests", "Moneta.Tests", "Api", "Fuzz", "corpus", "requests");
        var files = Directory.GetFiles(directory, "*.http");
        Assert.True(files.Length > 0, $"the request corpus in {directory} is missing");
        return files.Order().Select(file => FuzzCase.Parse("corpus/requests/" + Path.GetFileName(file), File.ReadAllText(file)));
    }

    /// <summary>Headers are sent as UTF-8 so that non-ASCII values reach the server rather than fail in the client.</summary>
    private HttpClient NewClient(string? bearer)
    {
        var client = new HttpClient(new SocketsHttpHandler { RequestHeaderEncodingSelector = (_, _) => Encoding.UTF8, UseCookies = false }) { BaseAddress = Silo.BaseAddress };
        if (bearer is not null) client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        return client;
    }

    private static string Shorten(string text) => text.Length > 300 ? text[..300] + "..." : text;

    /// <summary>One request: what is sent exactly, whoever sends it. Headers given here replace the caller's.</summary>
    private sealed record FuzzCase(string Name, string Method, string PathAndQuery, string? MediaType = null, byte[]? Body = null)
    {
        public IReadOnlyList<(string Name, string Value)> Headers { get; init; } = [];

        public static FuzzCase Get(string name, string pathAndQuery) => new(name, "GET", pathAndQuery);

        public static FuzzCase Parse(string name, string text)
        {
            var (head, body) = text.IndexOf("\n\n", StringComparison.Ordinal) is var blank and >= 0 ? (text[..blank], text[(blank + 2)..]) : (text.TrimEnd('\n'), null);
            var lines = head.Split('\n');
            var requestLine = lines[0].Split(' ', 2);
            var headers = lines.Skip(1).Select(l => l.Split(':', 2)).Select(p => (p[0].Trim(), p[1].Trim())).ToList();
            var mediaType = headers.Where(h => h.Item1.Equals("Content-Type", StringComparison.OrdinalIgnoreCase)).Select(h => h.Item2).FirstOrDefault();
            return new FuzzCase(name, requestLine[0], requestLine[1], mediaType, body is null ? null : Encoding.UTF8.GetBytes(body))
            {
                Headers = [.. headers.Where(h => !h.Item1.Equals("Content-Type", StringComparison.OrdinalIgnoreCase))],
            };
        }

        public HttpRequestMessage ToRequest()
        {
            var request = new HttpRequestMessage(new HttpMethod(Method), new Uri(PathAndQuery, UriKind.Relative));
            if (Body is not null)
            {
                request.Content = new ByteArrayContent(Body);
                if (MediaType is not null) request.Content.Headers.TryAddWithoutValidation("Content-Type", MediaType);
            }

            foreach (var header in Headers.Select(h => h.Name).Distinct(StringComparer.OrdinalIgnoreCase))
            {
                request.Headers.Remove(header);
                if (header.Equals("Authorization", StringComparison.OrdinalIgnoreCase)) request.Headers.Authorization = null;
            }

            foreach (var (header, value) in Headers)
                request.Headers.TryAddWithoutValidation(header, value);
            return request;
        }
    }
}
