namespace Moneta.Errors;

/// <summary>How the front door should answer a refused request.</summary>
public enum ErrorKind
{
    Invalid,
    Unauthorized,
    Forbidden,
    NotFound,
    Conflict,
}

/// <summary>
/// A business rule refused the request. <see cref="Code"/> is stable and machine-readable (listed in
/// docs/errors.md); the message tells a person what to do about it.
/// </summary>
public sealed class DomainException(ErrorKind kind, string code, string message) : Exception(message)
{
    public ErrorKind Kind { get; } = kind;

    public string Code { get; } = code;

    /// <summary>Members the problem carries besides <c>code</c> to say what to fix (never anything secret).</summary>
    public IReadOnlyDictionary<string, string> Details { get; init; } = new Dictionary<string, string>();

    public static DomainException Invalid(string code, string message) => new(ErrorKind.Invalid, code, message);

    public static DomainException Forbidden(string code, string message) => new(ErrorKind.Forbidden, code, message);

    public static DomainException NotFound(string code, string message) => new(ErrorKind.NotFound, code, message);

    public static DomainException Conflict(string code, string message) => new(ErrorKind.Conflict, code, message);
}
