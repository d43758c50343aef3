namespace Moneta.Api.Auth;

/// <summary>How the operators' routes are served.</summary>
public sealed class OperatorsOptions
{
    /// <summary>Operator session cookies are Secure (HTTPS only) everywhere but development on plain HTTP.</summary>
    public bool SecureCookies { get; init; } = true;

    /// <summary>
    /// Hosts (host:port patterns, e.g. "*:9090") of the management port (Moneta:Management:Urls). When set, the
    /// dashboard, metrics and sign-in answer only there; the public port knows nothing of them.
    /// </summary>
    public IReadOnlyList<string> ManagementHosts { get; init; } = [];
}
