using System.Text.Json;

namespace Moneta.Organizations;

/// <summary>A public key to add, valid from <see cref="NotBefore"/> (default: now) until <see cref="NotAfter"/> (default: until retired).</summary>
[GenerateSerializer, Immutable, Alias("Moneta.NewOrganizationKey")]
public sealed record NewOrganizationKey(JsonElement Jwk, DateTimeOffset? NotBefore, DateTimeOffset? NotAfter, string Actor);
