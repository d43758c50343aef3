namespace Moneta.Crypto;

/// <summary>The value has no RFC 8785 canonical form, so it cannot be signed.</summary>
public sealed class JsonCanonicalizationException : Exception
{
    public JsonCanonicalizationException(string message)
        : base(message)
    {
    }

    public JsonCanonicalizationException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
