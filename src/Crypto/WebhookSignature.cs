using System.Security.Cryptography;
using System.Text;

namespace Moneta.Crypto;

/// <summary>
/// Webhook signing per the Standard Webhooks specification: the signature is HMAC-SHA256 over
/// "{webhook-id}.{webhook-timestamp}.{body}", keyed with the base64 part of a "whsec_" secret, sent as "v1,{base64}".
/// During a secret rotation the header carries one signature per secret, separated by spaces.
/// </summary>
public static class WebhookSignature
{
    public const string SecretPrefix = "whsec_";

    private const int SecretBytes = 32;

    public static string GenerateSecret() => SecretPrefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(SecretBytes));

    /// <summary>The value of the webhook-signature header: "v1,{signature}" for each secret.</summary>
    public static string Header(IEnumerable<string> secrets, string messageId, long timestamp, ReadOnlySpan<byte> body)
    {
        var signedContent = SignedContent(messageId, timestamp, body);
        return string.Join(' ', secrets.Select(secret => "v1," + Convert.ToBase64String(HMACSHA256.HashData(Key(secret), signedContent))));
    }

    private static byte[] SignedContent(string messageId, long timestamp, ReadOnlySpan<byte> body)
    {
        var prefix = Encoding.UTF8.GetBytes($"{messageId}.{timestamp}.");
        var content = new byte[prefix.Length + body.Length];
        prefix.CopyTo(content, 0);
        body.CopyTo(content.AsSpan(prefix.Length));
        return content;
    }

    private static byte[] Key(string secret) =>
        secret.StartsWith(SecretPrefix, StringComparison.Ordinal)
            ? Convert.FromBase64String(secret[SecretPrefix.Length..])
            : throw new ArgumentException("A webhook secret starts with whsec_.", nameof(secret));
}
