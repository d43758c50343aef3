namespace Moneta.Errors;

/// <summary>
/// A business rule refused the request. <see cref="Code"/> is stable and machine-readable (listed in
/// docs/errors.md); the message tells a person what to do about it. It crosses silos with its kind, code and
/// message intact, so a refusal raised by a grain on another silo is answered exactly as a local one.
/// </summary>
[GenerateSerializer, Alias("Moneta.DomainException")]
public sealed class DomainException : Exception
{
    public DomainException()
    {
    }

    public DomainException(ErrorKind kind, string code, string message)
        : base(message)
    {
        Kind = kind;
        Code = code;
    }

    [Id(0)]
    public ErrorKind Kind { get; private set; }

    [Id(1)]
    public string Code { get; private set; } = "";

    /// <summary>Members the problem carries besides <c>code</c> to say what to fix (never anything secret).</summary>
    [Id(2)]
    public IReadOnlyDictionary<string, string> Details { get; init; } = new Dictionary<string, string>();

    public static DomainException Invalid(string code, string message) => new(ErrorKind.Invalid, code, message);

    public static DomainException Forbidden(string code, string message) => new(ErrorKind.Forbidden, code, message);

    public static DomainException NotFound(string code, string message) => new(ErrorKind.NotFound, code, message);

    public static DomainException Conflict(string code, string message) => new(ErrorKind.Conflict, code, message);
}
