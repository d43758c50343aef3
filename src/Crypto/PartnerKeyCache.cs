using System.Collections.Concurrent;
using System.Text.Json;

namespace Moneta.Crypto;

/// <summary>
/// Parsed partner keys by their JWK text, so the signing path does not import a key on every request.
/// Bounded: a flood of distinct keys empties it rather than growing it without end.
/// </summary>
public sealed class PartnerKeyCache
{
    private const int Capacity = 10_000;
    private readonly ConcurrentDictionary<string, PartnerKey> _keys = new(StringComparer.Ordinal);

    public PartnerKey Get(JsonElement jwk)
    {
        var text = jwk.GetRawText();
        if (_keys.TryGetValue(text, out var key)) return key;
        if (_keys.Count >= Capacity) _keys.Clear();
        return _keys.GetOrAdd(text, _ => PartnerKey.Parse(jwk));
    }
}
