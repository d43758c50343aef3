using System.Text.Json;

namespace Moneta.Organizations;

/// <summary>A request to register an MO or a publisher. <see cref="Keys"/> are public JWKs.</summary>
[GenerateSerializer, Immutable, Alias("Moneta.OrganizationRegistration")]
public sealed record OrganizationRegistration(string Kind, OrganizationProfile Profile, string? Mic, IReadOnlyList<JsonElement> Keys, string Actor);
