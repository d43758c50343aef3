using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Moneta.Grains.Contracts;
using Moneta.Grains.Disputes;
using Moneta.Grains.Settlements;

namespace Moneta.Grains;

/// <summary>The business flows of the shipped templates (ADR 0011) and their settings.</summary>
public static class MonetaFlows
{
    /// <param name="settlement">Moneta:Settlement.</param>
    public static IServiceCollection AddMonetaFlows(this IServiceCollection services, IConfiguration settlement)
    {
        var options = new SettlementOptions();
        settlement.Bind(options);
        services.AddSingleton(options.Validated());
        services.AddSingleton<IContractFlow, ChargeSettlementFlow>();
        services.AddSingleton<IContractFlow, DisputeFlow>();
        services.AddSingleton<IContractFlow, SettlementTermsFlow>();
        services.AddSingleton<IContractFlow, SettlementContractFlow>();
        services.AddSingleton<ContractFlows>();
        return services;
    }
}
