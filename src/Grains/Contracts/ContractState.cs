using System.Text.Json;
using Moneta.Contracts;
using Moneta.Errors;
using Moneta.GrainModel;
using Moneta.Grains.Templates;

namespace Moneta.Grains.Contracts;

/// <summary>A contract as stored. Immutable: every step returns a new state, stored before it is answered.</summary>
[GenerateSerializer, Immutable, Alias("Moneta.Grains.ContractState")]
public sealed record ContractState : IIndexedState
{
    [Id(0)]
    public string ContractId { get; init; } = "";
    [Id(1)]
    public string TemplateId { get; init; } = "";
    [Id(2)]
    public int TemplateVersion { get; init; }
    [Id(3)]
    public string MoId { get; init; } = "";
    [Id(4)]
    public string PublisherId { get; init; } = "";
    /// <summary>Null for a template that names no mPass (settlement terms and statements): they sign over <c>mpass_id: null</c>.</summary>
    [Id(5)]
    public string? MpassId { get; init; }
    [Id(6)]
    public JsonElement Payload { get; init; }
    [Id(7)]
    public IReadOnlyList<string> SigningOrder { get; init; } = [];
    [Id(8)]
    public IReadOnlyList<ContractSignature> Signatures { get; init; } = [];
    [Id(9)]
    public string Status { get; init; } = "";
    [Id(10)]
    public DateTimeOffset CreatedAt { get; init; }
    [Id(11)]
    public DateTimeOffset ExpiresAt { get; init; }
    [Id(12)]
    public DateTimeOffset? FinalizedAt { get; init; }
    [Id(13)]
    public ContractRejection? Rejection { get; init; }

    /// <summary>SHA-256 of the canonical initiation request: an identical retry is recognised, a different one refused.</summary>
    [Id(14)]
    public string InitiationDigest { get; init; } = "";

    [Id(15)]
    public IReadOnlyList<AuditEvent> AuditLog { get; init; } = [];

    public bool IsPending => ContractStatuses.IsPending(Status);

    /// <summary>The role whose signature comes next, or null once every role has signed.</summary>
    public string? NextRole => Signatures.Count < SigningOrder.Count ? SigningOrder[Signatures.Count] : null;

    public string? LastSignature => Signatures.Count == 0 ? null : Signatures[^1].Signature;

    public bool IsParty(string organizationId) => organizationId == MoId || organizationId == PublisherId;

    public string PartyOf(string role) => role switch
    {
        Roles.Mo => MoId,
        Roles.Publisher => PublisherId,
        _ => "moneta",
    };

    /// <summary>A new contract of <paramref name="template"/> with no signature yet, waiting for its initiator.</summary>
    public static ContractState Draft(string contractId, ContractTemplate template, string moId, string publisherId, string? mpassId, JsonElement payload, string digest, DateTimeOffset now)
    {
        var draft = new ContractState
        {
            ContractId = contractId,
            TemplateId = template.Name,
            TemplateVersion = template.Version,
            MoId = moId,
            PublisherId = publisherId,
            MpassId = mpassId,
            Payload = payload.Clone(),
            SigningOrder = template.SigningOrder,
            Status = ContractStatuses.PendingSignatureOf(template.InitiatorRole),
            CreatedAt = now,
            ExpiresAt = now + template.SigningDeadline,
            InitiationDigest = digest,
        };
        return draft.Record("created", now, draft.PartyOf(template.InitiatorRole), template.InitiatorRole, $"{template.Name} v{template.Version}");
    }

    /// <summary>Adds the signature of the role whose turn it is; finalizes the contract when it was the last.</summary>
    public ContractState WithSignature(string role, string signature, string kid, DateTimeOffset now)
    {
        var signed = this with
        {
            Signatures = [.. Signatures, new ContractSignature(role, signature, kid, PartyOf(role), now)],
        };
        signed = signed.Record("signed", now, PartyOf(role), role, kid);
        return signed.NextRole is { } next
            ? signed with { Status = ContractStatuses.PendingSignatureOf(next) }
            : (signed with { Status = ContractStatuses.Finalized, FinalizedAt = now }).Record("finalized", now, "moneta", null, null);
    }

    public ContractState Rejected(string role, string reason, string signature, DateTimeOffset now) =>
        (this with { Status = ContractStatuses.Rejected, Rejection = new ContractRejection(role, reason, signature, now) })
            .Record("rejected", now, PartyOf(role), role, reason);

    public ContractState Voided(DateTimeOffset now) =>
        (this with { Status = ContractStatuses.Voided }).Record("voided", now, PartyOf(SigningOrder[0]), SigningOrder[0], null);

    /// <summary>A pending contract past its deadline is expired, whatever is asked of it.</summary>
    public ContractState ExpiredIfDue(DateTimeOffset now) =>
        IsPending && now >= ExpiresAt
            ? (this with { Status = ContractStatuses.Expired }).Record("expired", ExpiresAt, "moneta", null, null)
            : this;

    /// <summary>Refuses any step on a contract that is no longer waiting for signatures.</summary>
    public void EnsurePending()
    {
        if (Status == ContractStatuses.Expired)
            throw DomainException.Conflict(ErrorCodes.ContractExpired, $"Contract '{ContractId}' expired at {ExpiresAt:O}.");
        if (!IsPending)
            throw DomainException.Conflict(ErrorCodes.ContractClosed, $"Contract '{ContractId}' is {Status}; it takes no more steps.");
    }

    public IEnumerable<IndexEntry> GetIndexEntries()
    {
        var created = CreatedAt.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffffffZ", System.Globalization.CultureInfo.InvariantCulture);
        yield return new IndexEntry("mo_id", MoId, created);
        yield return new IndexEntry("publisher_id", PublisherId, created);
        if (MpassId is not null) yield return new IndexEntry("mpass_id", MpassId, created);
        yield return new IndexEntry("status", Status, created);
        // Each party lists by status within its own contracts only, so no page or cursor can reveal another's.
        yield return new IndexEntry("mo_status", $"{MoId}/{Status}", created);
        yield return new IndexEntry("publisher_status", $"{PublisherId}/{Status}", created);
        // Lets a publisher read an mPass that appears in one of its contracts, and list those contracts.
        if (MpassId is not null) yield return new IndexEntry("publisher_mpass", $"{PublisherId}/{MpassId}", created);
        // Month buckets, so that a list from a time on (created_after) starts at that month instead of the beginning.
        var month = CreatedAt.UtcDateTime.ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture);
        yield return new IndexEntry("month", month, created);
        yield return new IndexEntry("mo_month", $"{MoId}/{month}", created);
        yield return new IndexEntry("publisher_month", $"{PublisherId}/{month}", created);
    }

    public ContractView ToView() => new(
        ContractId, TemplateId, TemplateVersion, MoId, PublisherId, MpassId, Payload,
        Signatures.ToDictionary(s => s.Role, s => new ContractSignatureView(s.Signature, s.Kid, s.SignedAt)),
        SigningOrder, Status, CreatedAt, ExpiresAt, FinalizedAt,
        Rejection is null ? null : new ContractRejectionView(Rejection.Role, Rejection.Reason, Rejection.Signature, Rejection.RejectedAt));

    private ContractState Record(string type, DateTimeOffset at, string actor, string? role, string? detail) =>
        this with { AuditLog = Contracts.AuditLog.Append(AuditLog, type, at, actor, role, detail) };
}
