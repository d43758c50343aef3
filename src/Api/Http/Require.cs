using System.Diagnostics.CodeAnalysis;

namespace Moneta.Api.Http;

/// <summary>Checks on request members, each failing with a problem that names the member.</summary>
public static class Require
{
    public static T Present<T>([NotNull] T? value, string member) where T : class =>
        value ?? throw DomainException.Invalid(ErrorCodes.MissingField, $"'{member}' is required.");

    public static T Present<T>([NotNull] T? value, string member) where T : struct =>
        value ?? throw DomainException.Invalid(ErrorCodes.MissingField, $"'{member}' is required.");

    public static string Id([NotNull] string? value, string member)
    {
        Present(value, member);
        return Ids.IsValid(value)
            ? value
            : throw DomainException.Invalid(ErrorCodes.InvalidId, $"'{member}' must be 1 to {Ids.MaxLength} characters of letters, digits, '-', '_', '.' or ':'.");
    }

    public static string Text([NotNull] string? value, string member, int maxLength = 1000)
    {
        Present(value, member);
        if (value.Length == 0 || value.Length > maxLength)
            throw DomainException.Invalid(ErrorCodes.InvalidField, $"'{member}' must be 1 to {maxLength} characters.");
        for (var i = 0; i < value.Length; i++)
        {
            if (char.IsHighSurrogate(value[i]) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1])) i++;
            else if (char.IsSurrogate(value[i]) || char.IsControl(value[i]))
                throw DomainException.Invalid(ErrorCodes.InvalidField, $"'{member}' contains a control character or a lone surrogate.");
        }

        return value;
    }

    public static string OneOf([NotNull] string? value, string member, params string[] allowed)
    {
        Present(value, member);
        return allowed.Contains(value)
            ? value
            : throw DomainException.Invalid(ErrorCodes.InvalidField, $"'{member}' must be one of: {string.Join(", ", allowed)}.");
    }
}
