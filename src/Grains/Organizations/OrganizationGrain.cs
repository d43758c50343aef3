using System.Text.Json;
using Moneta.Crypto;
using Moneta.Errors;
using Moneta.GrainModel;
using Moneta.Grains.Webhooks;
using Moneta.Organizations;
using Moneta.Webhooks;

namespace Moneta.Grains.Organizations;

public sealed class OrganizationGrain(IPersistentState<OrganizationState> state, TimeProvider clock) : Grain, IOrganizationGrain
{
    public async Task<OrganizationView> Register(OrganizationRegistration registration)
    {
        await state.ReadStateAsync();
        if (state.RecordExists)
            throw DomainException.Conflict(ErrorCodes.OrganizationExists, $"An organization with id '{GrainKey}' already exists.");
        if (registration.Keys.Count == 0)
            throw DomainException.Invalid(ErrorCodes.MissingField, "Register at least one public key (JWK) in 'keys'.");

        var now = clock.GetUtcNow();
        var keys = new OrganizationState { Keys = [] };
        foreach (var jwk in registration.Keys)
            keys = keys.WithKey(ToOrganizationKey(jwk, now), now);

        if (registration.Kind == OrganizationKinds.Mo && !await GrainFactory.GetGrain<IMicClaimGrain>(registration.Mic!).Claim(GrainKey))
            throw DomainException.Conflict(ErrorCodes.MicTaken, $"The Moneta Issuer Code '{registration.Mic}' belongs to another MO.");

        state.State = keys with
        {
            Kind = registration.Kind,
            Name = registration.Name,
            Mic = registration.Mic,
            Status = OrganizationStatuses.Pending,
            CreatedAt = now,
            UpdatedAt = now,
        };
        await state.WriteStateAsync();
        return state.State.ToView(GrainKey);
    }

    /// <summary>Read through to storage: a status change made on another silo must be seen at once (ADR 0002).</summary>
    public async Task<OrganizationView?> Find()
    {
        await state.ReadStateAsync();
        return state.RecordExists ? state.State.ToView(GrainKey) : null;
    }

    public async Task<OrganizationView> ChangeStatus(string status)
    {
        await EnsureExistsAsync();
        var now = clock.GetUtcNow();
        var next = state.State.MoveTo(status, now);
        if (next != state.State)
        {
            var data = new { OrganizationId = GrainKey, next.Kind, From = state.State.Status, To = next.Status };
            Outbox.Announce(GrainKey, "organization", GrainKey, WebhookAnnouncements.NewEvent(WebhookEventTypes.OrganizationStatusChanged, now, data));
            state.State = next;
            await state.WriteStateAsync();
        }

        return state.State.ToView(GrainKey);
    }

    public async Task<OrganizationView> AddKey(JsonElement jwk)
    {
        await EnsureExistsAsync();
        var now = clock.GetUtcNow();
        state.State = state.State.WithKey(ToOrganizationKey(jwk, now), now);
        await state.WriteStateAsync();
        return state.State.ToView(GrainKey);
    }

    private async Task EnsureExistsAsync()
    {
        await state.ReadStateAsync();
        if (!state.RecordExists)
            throw DomainException.NotFound(ErrorCodes.OrganizationNotFound, $"No organization has id '{GrainKey}'.");
    }

    /// <summary>Only keys Moneta can verify with are accepted: ES256 on P-256, RS256/PS256 on RSA of 2048 bits or more.</summary>
    private static OrganizationKey ToOrganizationKey(JsonElement jwk, DateTimeOffset now)
    {
        try
        {
            var key = PartnerKey.Parse(jwk);
            return new OrganizationKey(key.Kid, key.Algorithm, JsonSerializer.SerializeToElement(key.ToPublicJwk()), "active", now);
        }
        catch (InvalidJwkException e)
        {
            throw DomainException.Invalid(e.Code, e.Message);
        }
    }
}
