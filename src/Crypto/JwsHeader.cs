namespace Moneta.Crypto;

/// <summary>The protected header of a detached JWS, as far as Moneta reads it.</summary>
/// <param name="Algorithm">"ES256", "RS256" or "PS256".</param>
/// <param name="Kid">The signer's key id, to look the key up by.</param>
/// <param name="EncodedHeader">The header exactly as it appeared, base64url; it is part of the signing input.</param>
public readonly record struct JwsHeader(string Algorithm, string Kid, string EncodedHeader);
