namespace Moneta.Errors;

/// <summary>How the front door should answer a refused request.</summary>
[GenerateSerializer, Alias("Moneta.ErrorKind")]
public enum ErrorKind
{
    Invalid,
    Unauthorized,
    Forbidden,
    NotFound,
    Conflict,
}
