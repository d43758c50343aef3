using System.Text.Json;

namespace Moneta.Organizations;

/// <summary>The profile an organization keeps besides its keys: contact details and configuration, and code lists.</summary>
[GenerateSerializer, Immutable, Alias("Moneta.OrganizationProfile")]
public sealed record OrganizationProfile(string Name, JsonElement? Metadata, IReadOnlyList<string> Services, IReadOnlyList<string> Industries);
