using System.Text.Json;
using Moneta.Contracts;
using Moneta.Crypto;
using Moneta.Errors;
using Moneta.GrainModel;
using Moneta.Grains.Templates;
using Moneta.Grains.Webhooks;
using Moneta.MPasses;
using Moneta.Organizations;
using Moneta.Webhooks;

namespace Moneta.Grains.Contracts;

/// <summary>
/// One contract. The activation runs one step at a time, so the signing order needs no lock: a signature is
/// checked against the stored state, Moneta countersigns the moment its turn comes, and the new state is written
/// (conditionally on its ETag) before the caller hears that the step was accepted. The webhooks announcing the
/// step and the reminder that expires the contract at its deadline are committed in that same write.
/// </summary>
[GrainType("contract")]
[CollectionAgeLimit(Minutes = GrainLifetimes.TransientMinutes)]
public sealed class ContractGrain(
    [OutboxState] IOutboxState<ContractState> state,
    TemplateCatalog templates,
    ContractFlows flows,
    PartnerKeyCache partnerKeys,
    MonetaKeys monetaKeys,
    TimeProvider clock) : Grain, IContractGrain, IReminderHandler
{
    private const string ExpiryReminder = "expiry";

    private ContractState Contract => state.State;

    private string ContractId => this.GetPrimaryKeyString();

    public async Task<ContractInitiated> Initiate(ContractInitiation initiation, OrganizationView caller)
    {
        var digest = SigningInput.Digest(JsonSerializer.SerializeToElement(initiation));
        if (state.RecordExists)
        {
            // Only a party's retry gets the contract back; to anyone else a used id is just taken.
            return Contract.InitiationDigest == digest && Contract.IsParty(caller.Id)
                ? new ContractInitiated(View(Contract), Created: false)
                : throw DomainException.Conflict(ErrorCodes.ContractIdInUse, $"Contract '{ContractId}' already exists with different terms; choose a new contract_id.");
        }

        var template = await templates.GetAsync(GrainFactory, initiation.TemplateId, initiation.TemplateVersion);
        if (template.IssuedByMoneta)
            throw DomainException.Forbidden(ErrorCodes.NotInitiator, $"Moneta issues {template.Name} contracts itself; no partner initiates one.");
        template.ValidatePayload(initiation.Payload);
        EnsureMPassAsTemplateSays(template, initiation.MpassId);
        var now = clock.GetUtcNow();
        var draft = ContractState.Draft(ContractId, template, initiation.MoId, initiation.PublisherId, initiation.MpassId, initiation.Payload, digest, now);
        if (draft.PartyOf(template.InitiatorRole) != caller.Id)
            throw DomainException.Forbidden(ErrorCodes.NotInitiator, $"Template {template.Name} is initiated by the {template.InitiatorRole}; sign in as that party.");

        var parties = await EnsureInGoodStandingAsync(draft, caller);
        var kid = VerifyParty(parties[template.InitiatorRole], initiation.Signature, SigningInput.For(draft, template.InitiatorRole, previous: null), now);
        // Moneta countersigns only terms its flow accepts: checked after the initiator's signature, before anything is stored.
        await flows.For(template.Name).CheckTermsAsync(draft, template, GrainFactory, now);
        await CommitAsync(CountersignIfMonetaNext(draft.WithSignature(template.InitiatorRole, initiation.Signature, kid, now), now), parties.Values);
        return new ContractInitiated(View(Contract), Created: true);
    }

    public async Task<ContractView> Issue(ContractIssue issue)
    {
        var digest = SigningInput.Digest(JsonSerializer.SerializeToElement(issue));
        if (state.RecordExists)
        {
            return Contract.InitiationDigest == digest
                ? View(Contract)
                : throw DomainException.Conflict(ErrorCodes.ContractIdInUse, $"Contract '{ContractId}' already exists with different terms.");
        }

        var template = await templates.GetAsync(GrainFactory, issue.TemplateId, issue.TemplateVersion);
        if (!template.IssuedByMoneta)
            throw DomainException.Forbidden(ErrorCodes.NotInitiator, $"Template {template.Name} is initiated by the {template.InitiatorRole}, not by Moneta.");
        template.ValidatePayload(issue.Payload);
        EnsureMPassAsTemplateSays(template, issue.MpassId);
        var now = clock.GetUtcNow();
        var draft = ContractState.Draft(ContractId, template, issue.MoId, issue.PublisherId, issue.MpassId, issue.Payload, digest, now);
        await CommitAsync(CountersignIfMonetaNext(draft, now));
        return View(Contract);
    }

    public async Task<ContractView> Sign(string role, string signature, OrganizationView caller)
    {
        await EnsureVisibleAndCurrentAsync(caller.Id);
        EnsureCallerHolds(role, caller.Id);

        if (Contract.Signatures.FirstOrDefault(s => s.Role == role) is { } existing)
        {
            return existing.Signature == signature
                ? View(Contract)
                : throw DomainException.Conflict(ErrorCodes.AlreadySigned, $"The {role} has already signed contract '{ContractId}'.");
        }

        Contract.EnsurePending();
        EnsureTurnOf(role);
        var parties = await EnsureInGoodStandingAsync(Contract, caller);
        var now = clock.GetUtcNow();
        var kid = VerifyParty(parties[role], signature, SigningInput.For(Contract, role, Contract.LastSignature), now);
        await CommitAsync(CountersignIfMonetaNext(Contract.WithSignature(role, signature, kid, now), now), parties.Values);
        return View(Contract);
    }

    public async Task<ContractView> Reject(string role, string reason, string signature, string callerId)
    {
        await EnsureVisibleAndCurrentAsync(callerId);
        EnsureCallerHolds(role, callerId);
        if (Contract.Rejection is { } done && done.Role == role && done.Signature == signature) return View(Contract);

        Contract.EnsurePending();
        EnsureTurnOf(role);
        var signer = await LoadActivePartyAsync(Contract.PartyOf(role));
        VerifyParty(signer, signature, SigningInput.ForRejection(Contract, role, Contract.LastSignature, reason), clock.GetUtcNow());
        await CommitAsync(Contract.Rejected(role, reason, signature, clock.GetUtcNow()));
        return View(Contract);
    }

    public async Task<ContractView> Void(string callerId)
    {
        await EnsureVisibleAndCurrentAsync(callerId);
        var initiator = Contract.SigningOrder[0];
        if (Contract.PartyOf(initiator) != callerId)
            throw DomainException.Forbidden(ErrorCodes.NotInitiator, "Only the initiator may void a contract.");
        if (Contract.Status == ContractStatuses.Voided) return View(Contract);

        Contract.EnsurePending();
        await CommitAsync(Contract.Voided(clock.GetUtcNow()));
        return View(Contract);
    }

    public async Task<ContractView?> Find()
    {
        if (!state.RecordExists) return null;
        await ExpireIfDueAsync();
        return View(Contract);
    }

    public async Task<AuditTrail?> Audit()
    {
        if (!state.RecordExists) return null;
        await ExpireIfDueAsync();
        return new AuditTrail(ContractId, Contract.AuditLog, AuditLog.Verify(Contract.AuditLog));
    }

    /// <summary>The deadline has come (or a silo starting late finds it passed): a contract still pending expires.</summary>
    public async Task ReceiveReminder(string name)
    {
        if (!state.RecordExists || !Contract.IsPending) return;
        await ExpireIfDueAsync();
        if (Contract.IsPending)
        {
            // Fired early by a silo whose clock runs ahead: ask again for the deadline itself.
            state.Outbox.RemindAt(ExpiryReminder, Contract.ExpiresAt);
            await state.WriteStateAsync();
        }
    }

    /// <summary>
    /// A signature accepted once stays verifiable forever: the contract records the kid and the instant, and the
    /// key is judged by its state at that instant, so a later retirement or revocation does not undo it.
    /// </summary>
    public async Task<ContractVerification?> Verify()
    {
        if (!state.RecordExists) return null;

        var results = new List<SignatureVerification>();
        string? previous = null;
        foreach (var signature in Contract.Signatures)
        {
            var input = SigningInput.For(Contract, signature.Role, previous);
            var key = signature.Role == Roles.Moneta
                ? monetaKeys.Find(signature.Kid)
                : (await GrainFactory.GetGrain<IOrganizationGrain>(signature.SignedBy).Find())?.KeyValidAt(signature.Kid, signature.SignedAt) is { } partnerKey
                    ? partnerKeys.Get(partnerKey.Jwk)
                    : null;
            var valid = key is not null && DetachedJws.Verify(signature.Signature, input, key);
            results.Add(new SignatureVerification(signature.Role, signature.Kid, signature.SignedBy, signature.SignedAt, valid));
            previous = signature.Signature;
        }

        var auditVerified = AuditLog.Verify(Contract.AuditLog);
        return new ContractVerification(ContractId, auditVerified && results.All(r => r.Valid), results, auditVerified);
    }

    /// <summary>Adds Moneta's signature at once whenever its turn comes: first for the contracts it issues, after the initiator otherwise.</summary>
    private ContractState CountersignIfMonetaNext(ContractState contract, DateTimeOffset now)
    {
        while (contract.NextRole == Roles.Moneta)
        {
            var countersignature = DetachedJws.Sign(monetaKeys.Signing, SigningInput.For(contract, Roles.Moneta, contract.LastSignature));
            contract = contract.WithSignature(Roles.Moneta, countersignature, monetaKeys.Signing.Kid, now);
        }

        return contract;
    }

    /// <summary>A template names an mPass or it does not; the request says the same.</summary>
    private static void EnsureMPassAsTemplateSays(ContractTemplate template, string? mpassId)
    {
        if (template.NamesMPass && mpassId is null)
            throw DomainException.Invalid(ErrorCodes.MissingField, $"'mpass_id' is required: {template.Name} contracts name the member's mPass.");
        if (!template.NamesMPass && mpassId is not null)
            throw DomainException.Invalid(ErrorCodes.InvalidField, $"'mpass_id' must be null: {template.Name} contracts name no mPass.");
    }

    /// <summary>The contract as its readers see it, with its flow's part (a dispute's resolution).</summary>
    private ContractView View(ContractState contract) => flows.For(contract.TemplateId).Describe(contract, contract.ToView());

    /// <summary>
    /// The signature must verify with the signer's key named by the JWS header's kid, and that key must be valid
    /// now: within its not_before/not_after, neither retired nor revoked. The contract records the kid and the
    /// instant, so the signature stays verifiable whatever happens to the key later.
    /// </summary>
    private string VerifyParty(OrganizationView signer, string signature, byte[] signingInput, DateTimeOffset now)
    {
        if (!DetachedJws.TryParse(signature, out var header))
            throw DomainException.Invalid(ErrorCodes.MalformedSignature, "The signature must be a compact JWS with detached payload: header..signature, with alg and kid in the header.");

        var key = signer.KeyValidAt(header.Kid, now)
            ?? throw DomainException.Invalid(ErrorCodes.UnknownKid, $"Organization '{signer.Id}' has no key '{header.Kid}' valid now (unknown, not yet valid, expired, retired or revoked).");
        var partnerKey = partnerKeys.Get(key.Jwk);
        if (!DetachedJws.Verify(signature, signingInput, partnerKey))
        {
            // What Moneta verified against, so the partner can compare it with what it signed; nothing here is secret.
            throw new DomainException(ErrorKind.Invalid, ErrorCodes.InvalidSignature,
                $"The signature does not verify with key '{key.Kid}' ({partnerKey.Algorithm}) over the canonical signing input of this step. Compare signing_input_sha256 with the SHA-256 of the bytes you signed (docs/protocol.md section 5.3).")
            {
                Details = new Dictionary<string, string>
                {
                    ["signing_input_sha256"] = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(signingInput)),
                    ["kid"] = key.Kid,
                    ["alg"] = partnerKey.Algorithm,
                },
            };
        }

        return key.Kid;
    }

    /// <summary>
    /// Both parties active, and the mPass active and issued by the MO: at initiation and again at every signature,
    /// so suspending a party or revoking the mPass stops the contracts in flight, not only new ones. A party may
    /// still decline (reject), and the initiator may still void. The signer's organization is the one the front door
    /// read from its grain at the start of this request (ADR 0012 §10); the other party's is read here.
    /// </summary>
    private async Task<Dictionary<string, OrganizationView>> EnsureInGoodStandingAsync(ContractState contract, OrganizationView caller)
    {
        var mpass = contract.MpassId is null ? Task.CompletedTask : EnsureMPassUsableAsync(contract);
        var mo = ActivePartyAsync(contract.MoId, OrganizationKinds.Mo, caller);
        var publisher = ActivePartyAsync(contract.PublisherId, OrganizationKinds.Publisher, caller);
        var parties = new Dictionary<string, OrganizationView> { [Roles.Mo] = await mo, [Roles.Publisher] = await publisher };
        await mpass;
        return parties;
    }

    private Task<OrganizationView> ActivePartyAsync(string organizationId, string kind, OrganizationView caller) =>
        organizationId == caller.Id ? Task.FromResult(EnsureActive(caller, organizationId, kind)) : LoadActivePartyAsync(organizationId, kind);

    private async Task<OrganizationView> LoadActivePartyAsync(string organizationId, string? kind = null) =>
        EnsureActive(await GrainFactory.GetGrain<IOrganizationGrain>(organizationId).Find(), organizationId, kind);

    private static OrganizationView EnsureActive(OrganizationView? organization, string organizationId, string? kind)
    {
        if (organization is null || (kind is not null && organization.Kind != kind))
            throw DomainException.NotFound(ErrorCodes.OrganizationNotFound, $"No {kind ?? "organization"} has id '{organizationId}'.");
        if (!organization.IsActive)
            throw DomainException.Conflict(ErrorCodes.OrganizationNotActive, $"Organization '{organizationId}' is {organization.Status}; only active parties take part in contracts.");
        return organization;
    }

    private async Task EnsureMPassUsableAsync(ContractState draft)
    {
        var mpass = await GrainFactory.GetGrain<IMPassGrain>(draft.MpassId!).Find()
            ?? throw DomainException.NotFound(ErrorCodes.MPassNotFound, $"No mPass has id '{draft.MpassId}'.");
        if (mpass.MoId != draft.MoId)
            throw DomainException.Invalid(ErrorCodes.MPassNotIssuedByMo, $"mPass '{draft.MpassId}' was not issued by MO '{draft.MoId}'.");
        if (mpass.Status != MPassStatuses.Active)
            throw DomainException.Conflict(ErrorCodes.MPassNotActive, $"mPass '{draft.MpassId}' is {mpass.Status}.");
    }

    private void EnsureCallerHolds(string role, string callerId)
    {
        if (!Roles.IsParty(role))
            throw DomainException.Invalid(ErrorCodes.InvalidField, "'role' must be mo or publisher; Moneta signs its own turn.");
        if (Contract.PartyOf(role) != callerId)
            throw DomainException.Forbidden(ErrorCodes.RoleNotYours, $"You are not the {role} of contract '{ContractId}'.");
    }

    private void EnsureTurnOf(string role)
    {
        if (Contract.NextRole != role)
            throw DomainException.Conflict(ErrorCodes.OutOfTurn, $"Contract '{ContractId}' is waiting for the {Contract.NextRole}, not the {role}.");
    }

    /// <summary>
    /// A contract the caller is not a party to answers as not found, so contract ids cannot be probed; a pending
    /// contract past its deadline is expired before anything else is asked of it.
    /// </summary>
    private async Task EnsureVisibleAndCurrentAsync(string callerId)
    {
        if (!state.RecordExists || !Contract.IsParty(callerId))
            throw DomainException.NotFound(ErrorCodes.ContractNotFound, $"No contract with id '{ContractId}' is visible to you.");
        await ExpireIfDueAsync();
    }

    private async Task ExpireIfDueAsync()
    {
        var current = Contract.ExpiredIfDue(clock.GetUtcNow());
        if (!ReferenceEquals(current, Contract)) await CommitAsync(current);
    }

    /// <summary>
    /// Stores the next state with its events and reminders. A step that read its <paramref name="parties"/> tells
    /// from them which events their webhook endpoints take (ADR 0012 §12); other steps ask the endpoints grains.
    /// </summary>
    private async Task CommitAsync(ContractState next, IEnumerable<OrganizationView>? parties = null)
    {
        var occurredAt = next.AuditLog[^1].At;
        await Task.WhenAll(ContractNotifications.Between(Contract, next).Select(notification => state.Outbox.AnnounceAsync(
            GrainFactory, notification.Recipient, "contract", ContractId, notification.EventType, occurredAt, () => new ContractEventData(View(next), next.NextRole),
            parties?.FirstOrDefault(party => party.Id == notification.Recipient)?.WebhookInterest)));

        if (!state.RecordExists)
            state.Outbox.RemindAt(ExpiryReminder, next.ExpiresAt);
        else if (Contract.IsPending && !next.IsPending)
            state.Outbox.CancelReminder(ExpiryReminder);

        flows.For(next.TemplateId).OnStatusChanged(Contract, next, state.Outbox);

        state.State = next;
        await state.WriteStateAsync();

        // A finished contract never changes again and is rarely read: it leaves memory after this call instead of
        // holding an activation for minutes (GrainLifetimes). A later read activates it from storage.
        if (!next.IsPending) DeactivateOnIdle();
    }
}
