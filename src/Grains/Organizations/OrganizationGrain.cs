using System.Text.Json;
using Moneta.Audit;
using Moneta.Crypto;
using Moneta.Errors;
using Moneta.GrainModel;
using Moneta.Grains.Audit;
using Moneta.Grains.Webhooks;
using Moneta.Organizations;
using Moneta.Webhooks;

namespace Moneta.Grains.Organizations;

[GrainType("organization")]
public sealed class OrganizationGrain([OutboxState] IOutboxState<OrganizationState> state, TimeProvider clock) : Grain, IOrganizationGrain
{
    private string OrganizationId => this.GetPrimaryKeyString();

    public async Task<OrganizationView> Register(OrganizationRegistration registration)
    {
        if (state.RecordExists)
            throw DomainException.Conflict(ErrorCodes.OrganizationExists, $"An organization with id '{OrganizationId}' already exists.");
        if (Actors.IsReserved(OrganizationId))
            throw DomainException.Invalid(ErrorCodes.InvalidId, $"'{OrganizationId}' is reserved; choose another organization id.");
        if (registration.Keys.Count == 0)
            throw DomainException.Invalid(ErrorCodes.MissingField, "Register at least one public key (JWK) in 'keys'.");

        var now = clock.GetUtcNow();
        var registered = new OrganizationState
        {
            Kind = registration.Kind,
            Name = registration.Profile.Name,
            Metadata = registration.Profile.Metadata,
            Services = registration.Profile.Services,
            Industries = registration.Profile.Industries,
            Mic = registration.Mic,
            Status = OrganizationStatuses.Pending,
            CreatedAt = now,
            UpdatedAt = now,
            WebhookInterest = WebhookInterest.None, // endpoints are created for registered organizations only
        }.Record("registered", now, registration.Actor, to: OrganizationStatuses.Pending);
        foreach (var jwk in registration.Keys)
            registered = registered.WithKey(ToOrganizationKey(jwk, null, null, now), registration.Actor, now);

        if (registration.Kind == OrganizationKinds.Mo && !await GrainFactory.GetGrain<IMicClaimGrain>(registration.Mic!).Claim(OrganizationId))
            throw DomainException.Conflict(ErrorCodes.MicTaken, $"The Moneta Issuer Code '{registration.Mic}' belongs to another MO.");

        return await CommitAsync(registered);
    }

    /// <summary>The one activation in the cluster answers, so a status change made through any silo is seen at once.</summary>
    public Task<OrganizationView?> Find() =>
        Task.FromResult<OrganizationView?>(state.RecordExists ? state.State.ToView(OrganizationId) : null);

    public async Task<OrganizationView> ChangeStatus(OrganizationStatusChange change)
    {
        EnsureExists();
        var now = clock.GetUtcNow();
        var next = state.State.MoveTo(change, now);
        if (next.Status != state.State.Status)
        {
            var data = new OrganizationStatusChangedData(OrganizationId, next.Kind, state.State.Status, next.Status, change.Reason);
            await state.Outbox.AnnounceAsync(GrainFactory, OrganizationId, "organization", OrganizationId, WebhookEventTypes.OrganizationStatusChanged, now, () => data);
        }

        return await CommitAsync(next);
    }

    public async Task<OrganizationView> UpdateProfile(OrganizationProfile profile, string actor)
    {
        EnsureExists();
        return await CommitAsync(state.State.WithProfile(profile, actor, clock.GetUtcNow()));
    }

    public async Task<OrganizationView> AddKey(NewOrganizationKey key)
    {
        EnsureExists();
        var now = clock.GetUtcNow();
        if (key.NotAfter is { } notAfter && notAfter <= (key.NotBefore ?? now))
            throw DomainException.Invalid(ErrorCodes.InvalidField, "'not_after' must be later than 'not_before' (or than now, without one).");
        return await CommitAsync(state.State.WithKey(ToOrganizationKey(key.Jwk, key.NotBefore, key.NotAfter, now), key.Actor, now));
    }

    public async Task<OrganizationView> RetireKey(string kid, string actor)
    {
        EnsureExists();
        return await CommitAsync(state.State.WithKeyRetired(kid, actor, clock.GetUtcNow()));
    }

    public async Task<OrganizationView> RevokeKey(string kid, string reason, string actor)
    {
        EnsureExists();
        return await CommitAsync(state.State.WithKeyRevoked(kid, reason, actor, clock.GetUtcNow()));
    }

    public async Task RecordWebhookInterest(WebhookInterest interest)
    {
        if (!state.RecordExists || interest.Equals(state.State.WebhookInterest)) return;
        state.State = state.State with { WebhookInterest = interest };
        await state.WriteStateAsync();
    }

    public async Task<LifecycleTrail?> Audit(string? cursor)
    {
        return state.RecordExists
            ? await LifecycleArchive.ReadPageAsync(GrainFactory, AuditSubject, OrganizationId, state.State.AuditLog, state.State.SealedAuditSegments, cursor)
            : null;
    }

    private string AuditSubject => $"organization/{OrganizationId}";

    private void EnsureExists()
    {
        if (!state.RecordExists)
            throw DomainException.NotFound(ErrorCodes.OrganizationNotFound, $"No organization has id '{OrganizationId}'.");
    }

    /// <summary>Writes only a real change (a repeated request is answered without a second audit event).</summary>
    private async Task<OrganizationView> CommitAsync(OrganizationState next)
    {
        if (!ReferenceEquals(next, state.State))
        {
            var (recent, sealedSegments) = await LifecycleArchive.SealDueSegmentsAsync(GrainFactory, AuditSubject, next.AuditLog, next.SealedAuditSegments);
            state.State = next with { AuditLog = recent, SealedAuditSegments = sealedSegments };
            await state.WriteStateAsync();
        }

        return state.State.ToView(OrganizationId);
    }

    /// <summary>Only keys Moneta can verify with are accepted: ES256 on P-256, RS256/PS256 on RSA of 2048 bits or more.</summary>
    private static OrganizationKey ToOrganizationKey(JsonElement jwk, DateTimeOffset? notBefore, DateTimeOffset? notAfter, DateTimeOffset now)
    {
        try
        {
            var key = PartnerKey.Parse(jwk);
            return new OrganizationKey(key.Kid, key.Algorithm, JsonSerializer.SerializeToElement(key.ToPublicJwk()), KeyStatuses.Active, now, notBefore, notAfter);
        }
        catch (InvalidJwkException e)
        {
            throw DomainException.Invalid(e.Code, e.Message);
        }
    }
}
