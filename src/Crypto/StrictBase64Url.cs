using System.Buffers;
using System.Buffers.Text;

namespace Moneta.Crypto;

/// <summary>
/// Base64url as JOSE uses it: no padding, no whitespace, and exactly one spelling per byte string.
/// Base64Url alone tolerates padding and whitespace and throws on stray characters; a signature or a key
/// coordinate with several accepted spellings would let two different strings stand for one signature.
/// </summary>
internal static class StrictBase64Url
{
    private static readonly SearchValues<char> Alphabet =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_");

    public static string Encode(ReadOnlySpan<byte> data) => Base64Url.EncodeToString(data);

    public static bool TryDecode(ReadOnlySpan<char> text, out byte[] data)
    {
        data = [];
        if (text.Length % 4 == 1 || text.ContainsAnyExcept(Alphabet))
            return false;

        var decoded = new byte[Base64Url.GetMaxDecodedLength(text.Length)];
        int length;
        try
        {
            if (!Base64Url.TryDecodeFromChars(text, decoded, out length))
                return false;
        }
        catch (FormatException)
        {
            // Despite its name, TryDecodeFromChars throws on some malformed input, e.g. nonzero unused bits.
            return false;
        }

        // Unused low bits of the last character must be zero, or "QR" and "QQ" would both mean "A";
        // checked here too because the decoder's own strictness is not documented.
        Span<char> reencoded = text.Length <= 256 ? stackalloc char[text.Length] : new char[text.Length];
        if (!Base64Url.TryEncodeToChars(decoded.AsSpan(0, length), reencoded, out var written)
            || !reencoded[..written].SequenceEqual(text))
        {
            return false;
        }

        data = length == decoded.Length ? decoded : decoded[..length];
        return true;
    }
}
