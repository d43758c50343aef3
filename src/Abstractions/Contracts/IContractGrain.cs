using Moneta.Organizations;

namespace Moneta.Contracts;

/// <summary>
/// One contract, keyed by its contract_id. Its single activation enforces the signing order: each party signs in
/// turn, Moneta countersigns the moment its turn comes, and every step is stored before it is answered.
/// </summary>
[Alias("Moneta.IContractGrain")]
public interface IContractGrain : IGrainWithStringKey
{
    /// <summary>
    /// Creates the contract with the initiator's signature. Sending the identical request again returns the contract.
    /// <paramref name="caller"/> is the calling organization as the front door read it for this request.
    /// </summary>
    Task<ContractInitiated> Initiate(ContractInitiation initiation, OrganizationView caller);

    /// <summary>
    /// Creates a contract Moneta issues itself, signed by Moneta first. Issuing the same terms again returns the
    /// contract; other terms under the same id are refused.
    /// </summary>
    Task<ContractView> Issue(ContractIssue issue);

    /// <summary>The caller's signature for its role's turn; <paramref name="caller"/> as for <see cref="Initiate"/>.</summary>
    Task<ContractView> Sign(string role, string signature, OrganizationView caller);

    Task<ContractView> Reject(string role, string reason, string signature, string callerId);

    Task<ContractView> Void(string callerId);

    /// <summary>The contract, or null if none exists under this id.</summary>
    Task<ContractView?> Find();

    Task<AuditTrail?> Audit();

    /// <summary>Checks every signature again, each with its signer's key as it was when it signed (null: no such contract).</summary>
    Task<ContractVerification?> Verify();
}
