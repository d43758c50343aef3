using System.Text.Json;
using Moneta.Organizations;

namespace Moneta.Tests.Grains;

/// <summary>The one rule behind signing, client authentication and re-verification: is the key valid at instant t.</summary>
public sealed class KeyValidityTests
{
    private static readonly DateTimeOffset Added = new(2026, 11, 21, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_key_is_valid_from_when_it_was_added_until_it_is_retired()
    {
        var key = Key() with { Status = KeyStatuses.Retired, RetiredAt = Added.AddDays(30) };

        Assert.False(key.IsValidAt(Added.AddTicks(-1)));
        Assert.True(key.IsValidAt(Added));
        Assert.True(key.IsValidAt(Added.AddDays(30).AddTicks(-1)));
        Assert.False(key.IsValidAt(Added.AddDays(30)));
    }

    [Fact]
    public void A_revoked_key_stays_valid_for_what_it_signed_before_the_revocation()
    {
        var key = Key() with { Status = KeyStatuses.Revoked, RevokedAt = Added.AddHours(5), RevocationReason = "leaked" };

        Assert.True(key.IsValidAt(Added.AddHours(4)));
        Assert.False(key.IsValidAt(Added.AddHours(5)));
        Assert.False(key.IsValidAt(Added.AddYears(1)));
    }

    [Fact]
    public void Not_before_and_not_after_bound_the_window_like_a_certificate()
    {
        var key = Key() with { NotBefore = Added.AddDays(1), NotAfter = Added.AddDays(2) };

        Assert.False(key.IsValidAt(Added.AddHours(23)));
        Assert.True(key.IsValidAt(Added.AddDays(1)));
        Assert.False(key.IsValidAt(Added.AddDays(2)));
    }

    [Fact]
    public void An_organization_finds_a_signing_key_only_by_its_kid_and_only_when_valid()
    {
        var organization = new OrganizationView("o", "mo", "O", "MIC", OrganizationStatuses.Active, null, [], [],
            [Key() with { Kid = "old", Status = KeyStatuses.Retired, RetiredAt = Added.AddDays(1) }, Key() with { Kid = "new", AddedAt = Added.AddHours(12) }],
            Added, Added);

        Assert.Equal("old", organization.KeyValidAt("old", Added.AddHours(13))?.Kid);
        Assert.Equal("new", organization.KeyValidAt("new", Added.AddHours(13))?.Kid);
        Assert.Null(organization.KeyValidAt("old", Added.AddDays(2)));
        Assert.Null(organization.KeyValidAt("new", Added));
        Assert.Null(organization.KeyValidAt("other", Added.AddHours(13)));
    }

    private static OrganizationKey Key() => new("k", "ES256", JsonSerializer.SerializeToElement(new { }), KeyStatuses.Active, Added);
}
