using Moneta.Contracts;
using Moneta.Webhooks;

namespace Moneta.Grains.Contracts;

/// <summary>
/// Who hears of a contract step: the party whose signature the contract now waits for, and both parties when it
/// closes (finalized, rejected, expired or voided). Moneta's own turn is never announced: it countersigns at once.
/// </summary>
public static class ContractNotifications
{
    public static IEnumerable<(string Recipient, string EventType)> Between(ContractState before, ContractState after)
    {
        if (before.Status == after.Status) yield break;

        if (after.IsPending)
        {
            if (after.NextRole is { } role && Roles.IsParty(role))
                yield return (after.PartyOf(role), WebhookEventTypes.ContractAwaitingSignature);
            yield break;
        }

        var closed = after.Status switch
        {
            ContractStatuses.Finalized => WebhookEventTypes.ContractFinalized,
            ContractStatuses.Rejected => WebhookEventTypes.ContractRejected,
            ContractStatuses.Expired => WebhookEventTypes.ContractExpired,
            ContractStatuses.Voided => WebhookEventTypes.ContractVoided,
            _ => throw new InvalidOperationException($"No event is defined for a contract becoming {after.Status}."),
        };
        yield return (after.MoId, closed);
        yield return (after.PublisherId, closed);
    }
}
