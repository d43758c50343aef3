namespace Moneta.Api.Endpoints;

/// <summary>Where the operators' pages live.</summary>
public static class OperatorsPaths
{
    public const string SignIn = "/operators/sign-in";
    public const string Session = "/operators/session";
    public const string Dashboard = "/dashboard";
    public const string Metrics = "/metrics";
    public const string Cluster = "/api/v1/admin/cluster";
}
