using Moneta.Contracts;

namespace Moneta.Webhooks;

/// <summary>Every contract.* event: the contract as GET /api/v1/contracts/{id} returns it, and whose signature it now awaits.</summary>
public sealed record ContractEventData(ContractView Contract, string? AwaitingRole);
