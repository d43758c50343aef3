namespace Moneta.Contracts;

/// <summary>One signature re-checked: it verifies over its step's signing input with the key it names, and that key was valid when it signed.</summary>
[GenerateSerializer, Immutable, Alias("Moneta.SignatureVerification")]
public sealed record SignatureVerification(string Role, string Kid, string SignedBy, DateTimeOffset SignedAt, bool Valid);
