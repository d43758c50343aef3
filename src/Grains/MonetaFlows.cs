using Microsoft.Extensions.DependencyInjection;
using Moneta.Grains.Contracts;

namespace Moneta.Grains;

/// <summary>The business flows of the shipped templates (ADR 0011).</summary>
public static class MonetaFlows
{
    public static IServiceCollection AddMonetaFlows(this IServiceCollection services)
    {
        services.AddSingleton<ContractFlows>();
        return services;
    }
}
