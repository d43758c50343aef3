using System.Text.Json;

namespace Moneta.Crypto;

/// <summary>The members of a JWK object, read strictly: every failure is an <see cref="InvalidJwkException"/>.</summary>
internal sealed class JwkMembers
{
    private readonly Dictionary<string, JsonElement> _members;

    private JwkMembers(Dictionary<string, JsonElement> members) => _members = members;

    public static JwkMembers Read(JsonElement jwk)
    {
        if (jwk.ValueKind != JsonValueKind.Object)
            throw Invalid("A JWK must be a JSON object.");

        var members = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        try
        {
            foreach (var member in jwk.EnumerateObject())
            {
                // A repeated member would be read as its first or its last value depending on the library.
                if (!members.TryAdd(member.Name, member.Value))
                    throw Invalid($"The JWK has the member \"{member.Name}\" more than once.");
            }
        }
        catch (InvalidOperationException)
        {
            throw Invalid("A member name of the JWK is not valid Unicode.");
        }

        return new JwkMembers(members);
    }

    public bool Contains(string name) => _members.ContainsKey(name);

    public string? OptionalString(string name)
    {
        if (!_members.TryGetValue(name, out var value))
            return null;
        if (value.ValueKind != JsonValueKind.String)
            throw Invalid($"The JWK member \"{name}\" must be a string.");

        try
        {
            return value.GetString();
        }
        catch (InvalidOperationException)
        {
            throw Invalid($"The JWK member \"{name}\" is not valid Unicode.");
        }
    }

    /// <summary>An array of strings (such as key_ops), or null if the member is absent.</summary>
    public IReadOnlyList<string>? OptionalStringArray(string name)
    {
        if (!_members.TryGetValue(name, out var value))
            return null;
        if (value.ValueKind != JsonValueKind.Array || value.EnumerateArray().Any(item => item.ValueKind != JsonValueKind.String))
            throw Invalid($"The JWK member \"{name}\" must be an array of strings.");

        try
        {
            return [.. value.EnumerateArray().Select(item => item.GetString()!)];
        }
        catch (InvalidOperationException)
        {
            throw Invalid($"The JWK member \"{name}\" is not valid Unicode.");
        }
    }

    public string RequiredString(string name) =>
        OptionalString(name) ?? throw Invalid($"The JWK lacks the member \"{name}\".");

    public byte[] Bytes(string name)
    {
        if (!StrictBase64Url.TryDecode(RequiredString(name), out var bytes) || bytes.Length == 0)
            throw Invalid($"The JWK member \"{name}\" must be unpadded base64url (RFC 7515 §2).");
        return bytes;
    }

    /// <summary>An EC coordinate or private scalar: RFC 7518 §6.2 wants the full field size, leading zeros included.</summary>
    public byte[] FixedBytes(string name, int length)
    {
        var bytes = Bytes(name);
        if (bytes.Length != length)
            throw Invalid($"The JWK member \"{name}\" must encode exactly {length} bytes; it encodes {bytes.Length}.");
        return bytes;
    }

    public static InvalidJwkException Invalid(string message) => new(JwkErrorCode.InvalidJwk, message);

    public static InvalidJwkException Unsupported(string message) => new(JwkErrorCode.UnsupportedKey, message);
}
