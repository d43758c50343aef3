namespace Moneta.Api.Auth;

/// <summary>
/// The kinds of caller the authorization matrix distinguishes. "Mo" and "Publisher" are relative to the resource
/// a request addresses: for a contract, its MO and its publisher; for an mPass, the issuing MO and a publisher
/// with a contract naming it; for an organization route, the organization itself ("Mo" in the tests, which
/// address the MO). "Unrelated" is an active organization with no such relation; "Suspended" is a party whose
/// organization was suspended, using the access token it obtained before.
/// </summary>
[Flags]
public enum CallerKinds
{
    None = 0,
    Anonymous = 1,
    Admin = 2,
    Mo = 4,
    Publisher = 8,
    Unrelated = 16,
    Suspended = 32,

    Parties = Mo | Publisher,
    AdminOrMo = Admin | Mo,
    AnyActiveCaller = Admin | Mo | Publisher | Unrelated,
    Everyone = Anonymous | Admin | Mo | Publisher | Unrelated | Suspended,
}

/// <summary>One endpoint (method and route template exactly as mapped) and who may use it.</summary>
public sealed record AuthorizationRule(string Method, string Route, CallerKinds Allowed, string Why);

/// <summary>
/// Who may call what: one row per endpoint the silo maps. A middleware enforces from this table what needs no
/// resource (administrator or partner, see <see cref="AdmitsKindOf"/>); the endpoints and grains enforce the
/// relations (party to this contract, issuer of this mPass), which need the resource's state. The tests generate
/// a case for every row and every caller kind, and fail when an endpoint has no row here (or a row no endpoint).
/// Nobody else is allowed: an organization that is not active is refused everywhere a token is needed.
/// </summary>
public static class AuthorizationMatrix
{
    /// <summary>
    /// Every route the Orleans Dashboard maps under /dashboard (Microsoft.Orleans.Dashboard 10.4.2). Declared before
    /// <see cref="Rules"/>, which is built from it; a new version that maps another route fails the matrix test.
    /// </summary>
    private static readonly string[] DashboardRoutes =
    [
        "/", "/index.html", "/favicon.ico", "/index.min.js", "/index.css", "/fonts/{**path}", "/img/{**path}", "/version",
        "/DashboardCounters", "/ClusterStats", "/Reminders", "/Reminders/{page:int}", "/HistoricalStats/{*path}",
        "/SiloProperties/{*address}", "/SiloMetadata/{*address}", "/SiloStats/{*address}", "/SiloCounters/{*address}",
        "/GrainStats/{*grainName}", "/TopGrainMethods", "/GrainState", "/LifecycleStages", "/GrainTypes", "/Trace",
    ];

    public static readonly IReadOnlyList<AuthorizationRule> Rules =
    [
        // Public: discovery, liveness, and the token endpoint (its client authenticates in the body).
        new("GET", "/health", CallerKinds.Everyone, "liveness probe"),
        new("GET", "/openapi/v1.json", CallerKinds.Everyone, "the API description is public"),
        new("GET", "/docs/{documentName?}", CallerKinds.Everyone, "the API reference page (Development only)"),
        new("GET", "/docs/scalar.js", CallerKinds.Everyone, "the API reference page (Development only)"),
        new("GET", "/docs/scalar.aspnetcore.js", CallerKinds.Everyone, "the API reference page (Development only)"),
        new("GET", "/docs/favicon.svg", CallerKinds.Everyone, "the API reference page (Development only)"),
        new("GET", "/.well-known/openid-configuration", CallerKinds.Everyone, "discovery"),
        new("GET", "/.well-known/jwks.json", CallerKinds.Everyone, "Moneta's public keys verify its signatures"),
        new("POST", "/api/v1/auth/token", CallerKinds.Everyone, "client authentication is the signed client_assertion"),

        // Operators: the administrator, by bearer token from a script or by an operator session from a browser.
        new("GET", "/operators/sign-in", CallerKinds.Everyone, "the page where an operator's browser presents the admin token"),
        new("POST", "/operators/session", CallerKinds.Everyone, "the admin token in the body opens the session"),
        new("DELETE", "/operators/session", CallerKinds.Everyone, "signing out needs nothing"),
        new("GET", "/api/v1/admin/cluster", CallerKinds.Admin, "operators only: the silos of the cluster"),
        new("GET", "/metrics", CallerKinds.Admin, "operators only: the Prometheus scrape"),
        .. DashboardRoutes.Select(route => new AuthorizationRule("GET", "/dashboard" + route, CallerKinds.Admin, "operators only: the Orleans Dashboard shows grain state and logs")),
        new("GET", "/api/v1/admin/clock", CallerKinds.Admin, "sandbox clock (Development and Sandbox only)"),
        new("POST", "/api/v1/admin/clock/advance", CallerKinds.Admin, "sandbox clock (Development and Sandbox only)"),

        // Organizations: the administrator registers and moves through the lifecycle; an organization manages its own profile and keys.
        new("POST", "/api/v1/organizations/{kind}", CallerKinds.Admin, "registration"),
        new("GET", "/api/v1/organizations/{kind}", CallerKinds.Admin, "the list of all partners"),
        new("GET", "/api/v1/organizations/{kind}/{id}", CallerKinds.AdminOrMo, "an organization reads itself"),
        new("PUT", "/api/v1/organizations/{kind}/{id}", CallerKinds.AdminOrMo, "an organization keeps its profile"),
        new("PUT", "/api/v1/organizations/{kind}/{id}/status", CallerKinds.Admin, "the lifecycle is the administrator's"),
        new("GET", "/api/v1/organizations/{kind}/{id}/audit", CallerKinds.AdminOrMo, "an organization reads its own audit log"),
        new("POST", "/api/v1/organizations/{kind}/{id}/keys", CallerKinds.AdminOrMo, "key rotation without the administrator"),
        new("POST", "/api/v1/organizations/{kind}/{id}/keys/{kid}/retire", CallerKinds.AdminOrMo, "key rotation without the administrator"),
        new("POST", "/api/v1/organizations/{kind}/{id}/keys/{kid}/revoke", CallerKinds.AdminOrMo, "a partner revokes its own compromised key at once"),

        // mPasses: the issuing MO (or the administrator) changes them; a publisher reads one its contracts name.
        new("POST", "/api/v1/mpass/", CallerKinds.AdminOrMo, "an MO issues to its members"),
        new("GET", "/api/v1/mpass/", CallerKinds.AdminOrMo, "an MO lists its own (mo_id)"),
        new("GET", "/api/v1/mpass/{id}", CallerKinds.Admin | CallerKinds.Parties, "the issuer, and a publisher with a contract naming it"),
        new("GET", "/api/v1/mpass/{id}/audit", CallerKinds.AdminOrMo, "the issuer's business only"),
        new("PUT", "/api/v1/mpass/{id}/status", CallerKinds.AdminOrMo, "only the issuing MO"),
        new("PUT", "/api/v1/mpass/{id}/tier", CallerKinds.AdminOrMo, "only the issuing MO"),

        // Templates: every partner reads them; the administrator publishes.
        new("GET", "/api/v1/templates/{name}", CallerKinds.AnyActiveCaller, "partners sign against them"),
        new("GET", "/api/v1/templates/{name}/versions/{version:int}", CallerKinds.AnyActiveCaller, "partners sign against them"),
        new("POST", "/api/v1/templates/{name}/versions", CallerKinds.Admin, "publishing changes what contracts mean"),

        // Contracts: the parties (each at its turn); the administrator reads. Others get 404, so ids cannot be probed.
        new("POST", "/api/v1/contracts/", CallerKinds.Mo, "the template's initiator (the MO for transaction-contract)"),
        new("GET", "/api/v1/contracts/", CallerKinds.AdminOrMo, "listing by mo_id is for that MO (by publisher_id for that publisher)"),
        new("GET", "/api/v1/contracts/{id}", CallerKinds.Admin | CallerKinds.Parties, "the parties and the administrator"),
        new("GET", "/api/v1/contracts/{id}/audit", CallerKinds.Admin | CallerKinds.Parties, "the parties and the administrator"),
        new("GET", "/api/v1/contracts/{id}/verification", CallerKinds.Admin | CallerKinds.Parties, "the parties and the administrator"),
        new("POST", "/api/v1/contracts/{id}/signatures", CallerKinds.Parties, "the party whose turn it is (the publisher after Moneta; the MO on a settlement contract)"),
        new("POST", "/api/v1/contracts/{id}/rejection", CallerKinds.Parties, "the party whose turn it is"),
        new("POST", "/api/v1/contracts/{id}/void", CallerKinds.Mo, "the initiator"),
        new("POST", "/api/v1/events/subscription_charges", CallerKinds.Mo, "the MO initiates a transaction-contract"),
        new("POST", "/api/v1/events/disputes", CallerKinds.Mo, "the MO disputes a charge for its member"),

        // Settlements: the batch's MO and publisher (and the administrator) read it; either party closes its open batch early.
        new("POST", "/api/v1/events/settlements", CallerKinds.Parties, "either party of the settlement closes its open batch"),
        new("GET", "/api/v1/settlements/", CallerKinds.AdminOrMo, "listing by mo_id is for that MO (by publisher_id for that publisher)"),
        new("GET", "/api/v1/settlements/{batch_id}", CallerKinds.Admin | CallerKinds.Parties, "the parties and the administrator"),
        new("GET", "/api/v1/settlements/{batch_id}/lines", CallerKinds.Admin | CallerKinds.Parties, "the parties recompute lines_digest"),

        // Webhooks: an organization manages its own endpoints and deliveries; another organization's answer 403 or 404.
        new("POST", "/api/v1/organizations/{kind}/{id}/webhooks/", CallerKinds.AdminOrMo, "an organization chooses where its events go"),
        new("GET", "/api/v1/organizations/{kind}/{id}/webhooks/", CallerKinds.AdminOrMo, "an organization's own endpoints"),
        new("GET", "/api/v1/organizations/{kind}/{id}/webhooks/{endpoint_id}", CallerKinds.AdminOrMo, "an organization's own endpoints"),
        new("PUT", "/api/v1/organizations/{kind}/{id}/webhooks/{endpoint_id}", CallerKinds.AdminOrMo, "an organization's own endpoints"),
        new("DELETE", "/api/v1/organizations/{kind}/{id}/webhooks/{endpoint_id}", CallerKinds.AdminOrMo, "an organization's own endpoints"),
        new("POST", "/api/v1/organizations/{kind}/{id}/webhooks/{endpoint_id}/secret/rotate", CallerKinds.AdminOrMo, "the secret is the organization's to replace"),
        new("POST", "/api/v1/organizations/{kind}/{id}/webhooks/{endpoint_id}/redrive", CallerKinds.AdminOrMo, "an organization resends what its endpoint missed"),
        new("POST", "/api/v1/organizations/{kind}/{id}/webhooks/{endpoint_id}/test", CallerKinds.AdminOrMo, "an organization tests its own receiver"),
        new("GET", "/api/v1/webhooks/deliveries/", CallerKinds.AdminOrMo, "deliveries to the caller's own endpoint"),
        new("GET", "/api/v1/webhooks/deliveries/{delivery_id}", CallerKinds.AdminOrMo, "deliveries to the caller's own endpoint"),
        new("POST", "/api/v1/webhooks/deliveries/{delivery_id}/redrive", CallerKinds.AdminOrMo, "deliveries to the caller's own endpoint"),
        new("POST", "/api/v1/webhooks/deliveries/{delivery_id}/retry", CallerKinds.AdminOrMo, "deliveries to the caller's own endpoint"),
    ];

    private const CallerKinds PartnerKinds = CallerKinds.Mo | CallerKinds.Publisher | CallerKinds.Unrelated;

    private static readonly Dictionary<(string Method, string Route), AuthorizationRule> ByEndpoint =
        Rules.ToDictionary(r => (r.Method, r.Route));

    public static AuthorizationRule? Find(string method, string route) => ByEndpoint.GetValueOrDefault((method, route));

    /// <summary>
    /// The part of a rule that needs no resource: an administrator is refused where the row has no admin, a
    /// partner where the row admits only the administrator. The endpoints and grains check the relations.
    /// </summary>
    public static bool AdmitsKindOf(this AuthorizationRule rule, Caller caller) =>
        caller.IsAdmin ? rule.Allowed.HasFlag(CallerKinds.Admin) : (rule.Allowed & PartnerKinds) != 0;
}
