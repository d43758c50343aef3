using System.Security.Cryptography;
using System.Text;
using StandardWebhooks;

namespace Moneta.Crypto;

/// <summary>
/// Webhook signing per the Standard Webhooks specification, by its .NET library (which reproduces the
/// specification's example, WebhookSignatureTests): HMAC-SHA256 over "{webhook-id}.{webhook-timestamp}.{body}",
/// keyed with the base64 part of a "whsec_" secret, sent as "v1,{base64}". During a secret rotation the header
/// carries one signature per secret, separated by spaces, which every Standard Webhooks verifier accepts.
/// </summary>
public static class WebhookSignature
{
    public const string SecretPrefix = "whsec_";

    private const int SecretBytes = 32;

    public static string GenerateSecret() => SecretPrefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(SecretBytes));

    /// <summary>The value of the webhook-signature header: "v1,{signature}" for each secret.</summary>
    /// <param name="body">UTF-8 JSON: the library signs text, and valid UTF-8 decodes and encodes back to the same bytes.</param>
    public static string Header(IEnumerable<string> secrets, string messageId, long timestamp, ReadOnlySpan<byte> body)
    {
        var text = Encoding.UTF8.GetString(body);
        var at = DateTimeOffset.FromUnixTimeSeconds(timestamp);
        return string.Join(' ', secrets.Select(secret => new StandardWebhook(Key(secret)).Sign(messageId, at, text)));
    }

    private static byte[] Key(string secret) =>
        secret.StartsWith(SecretPrefix, StringComparison.Ordinal)
            ? Convert.FromBase64String(secret[SecretPrefix.Length..])
            : throw new ArgumentException("A webhook secret starts with whsec_.", nameof(secret));
}
