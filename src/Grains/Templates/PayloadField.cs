using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Moneta.Grains.Templates;

/// <summary>Which amounts an amount field takes (its <c>sign</c> in the YAML).</summary>
public enum AmountSign
{
    /// <summary>Greater than zero: a charge, a dispute (the default).</summary>
    Positive,

    /// <summary>Zero or more: a minimum payout.</summary>
    NonNegative,

    /// <summary>Any, written with a leading '-' when negative: the figures of a settlement statement.</summary>
    Any,
}

/// <summary>One declared payload field and the rule for its value.</summary>
public sealed partial record PayloadField(
    string Path,
    FieldType Type,
    bool Required,
    string? CurrencyField = null,
    int MaxLength = PayloadField.DefaultMaxLength,
    IReadOnlyList<string>? Values = null,
    long? Minimum = null,
    long? Maximum = null,
    AmountSign Sign = AmountSign.Positive,
    int MaxItems = 0,
    PayloadSchema? Items = null)
{
    private const int DefaultMaxLength = 1000;

    internal static PayloadField Parse(FieldDocument field, bool required)
    {
        if (string.IsNullOrWhiteSpace(field.Path) || field.Path.Split('.').Any(s => s.Length == 0))
            throw ContractTemplate.Invalid("Every field needs a 'path' such as 'amount' or 'transaction.amount'.");
        var type = field.Type switch
        {
            "string" => FieldType.String,
            "amount" => FieldType.Amount,
            "currency" => FieldType.Currency,
            "integer" => FieldType.Integer,
            "boolean" => FieldType.Boolean,
            "date_time" => FieldType.DateTime,
            "enum" => FieldType.Enum,
            "id" => FieldType.Id,
            "sha256" => FieldType.Sha256,
            "array" => FieldType.Array,
            _ => throw ContractTemplate.Invalid($"Field '{field.Path}' has unknown type '{field.Type}'; use string, amount, currency, integer, boolean, date_time, enum, id, sha256 or array."),
        };

        if (type == FieldType.Enum && (field.Values is not { Count: > 0 } values || values.Distinct(StringComparer.Ordinal).Count() != values.Count))
            throw ContractTemplate.Invalid($"Enum field '{field.Path}' must list its distinct 'values'.");
        if (field.Minimum > field.Maximum)
            throw ContractTemplate.Invalid($"Field '{field.Path}' has a 'minimum' above its 'maximum'.");
        if (field.MaxLength is < 1)
            throw ContractTemplate.Invalid($"Field '{field.Path}' needs a positive 'max_length'.");
        var sign = field.Sign switch
        {
            null or "positive" => AmountSign.Positive,
            "non_negative" => AmountSign.NonNegative,
            "any" => AmountSign.Any,
            _ => throw ContractTemplate.Invalid($"Field '{field.Path}': 'sign' must be positive, non_negative or any."),
        };
        PayloadSchema? items = null;
        if (type == FieldType.Array)
        {
            if (field.MaxItems is not > 0 || field.Items is null)
                throw ContractTemplate.Invalid($"Array field '{field.Path}' needs a positive 'max_items' and the fields of its 'items'.");
            items = PayloadSchema.Parse(field.Items, isItem: true);
        }

        return new PayloadField(field.Path, type, required, field.CurrencyField, field.MaxLength ?? DefaultMaxLength, field.Values, field.Minimum, field.Maximum, sign, field.MaxItems ?? 0, items);
    }

    /// <param name="name">The member as the refusal names it, e.g. <c>payload.evidence[2].sha256</c>.</param>
    /// <param name="root">The whole payload, where an amount's currency field is.</param>
    public void Validate(JsonElement value, string name, JsonElement root)
    {
        switch (Type)
        {
            case FieldType.String:
                if (RequireString(value, name).Length > MaxLength)
                    throw ContractTemplate.InvalidPayload($"'{name}' is longer than {MaxLength} characters.");
                break;
            case FieldType.Amount:
                var currency = PayloadSchema.TryResolve(root, CurrencyField!, out var code) && code.ValueKind == JsonValueKind.String ? code.GetString() : null;
                ValidateAmount(RequireString(value, name), currency, name);
                break;
            case FieldType.Currency:
                if (!Currency.TryParse(RequireString(value, name), out _))
                    throw ContractTemplate.InvalidPayload($"'{name}' must be an ISO 4217 currency code such as EUR.");
                break;
            case FieldType.Integer:
                if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt64(out var number))
                    throw ContractTemplate.InvalidPayload($"'{name}' must be an integer.");
                if (number < Minimum || number > Maximum)
                    throw ContractTemplate.InvalidPayload($"'{name}' must be between {Minimum?.ToString(CultureInfo.InvariantCulture) ?? "-∞"} and {Maximum?.ToString(CultureInfo.InvariantCulture) ?? "∞"}.");
                break;
            case FieldType.Boolean:
                if (value.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
                    throw ContractTemplate.InvalidPayload($"'{name}' must be true or false.");
                break;
            case FieldType.DateTime:
                if (!DateTimeOffset.TryParseExact(RequireString(value, name), "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK", CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
                    throw ContractTemplate.InvalidPayload($"'{name}' must be an RFC 3339 date-time.");
                break;
            case FieldType.Enum:
                if (!Values!.Contains(RequireString(value, name), StringComparer.Ordinal))
                    throw ContractTemplate.InvalidPayload($"'{name}' must be one of: {string.Join(", ", Values!)}.");
                break;
            case FieldType.Id:
                if (!Ids.IsValid(RequireString(value, name)))
                    throw ContractTemplate.InvalidPayload($"'{name}' must be 1 to {Ids.MaxLength} characters of letters, digits, '-', '_', '.' or ':'.");
                break;
            case FieldType.Sha256:
                if (!Sha256Pattern().IsMatch(RequireString(value, name)))
                    throw ContractTemplate.InvalidPayload($"'{name}' must be a SHA-256 digest: 64 lowercase hexadecimal characters.");
                break;
            case FieldType.Array:
                if (value.ValueKind != JsonValueKind.Array)
                    throw ContractTemplate.InvalidPayload($"'{name}' must be a JSON array.");
                if (value.GetArrayLength() > MaxItems)
                    throw ContractTemplate.InvalidPayload($"'{name}' may hold at most {MaxItems} items.");
                var index = 0;
                foreach (var item in value.EnumerateArray())
                    Items!.Validate(item, $"{name}[{index++}]", root);
                break;
        }
    }

    /// <summary>A decimal string with no more fraction digits than the currency has minor units, of the field's sign.</summary>
    private void ValidateAmount(string text, string? currency, string name)
    {
        var negative = Sign == AmountSign.Any && text.StartsWith('-');
        var valid = Amounts.TryParse(negative ? text[1..] : text, out var amount, out var fractionDigits) && Sign switch
        {
            AmountSign.Positive => amount > 0,
            AmountSign.NonNegative => true,
            _ => !negative || amount > 0, // zero has no sign
        };
        if (!valid)
        {
            var what = Sign switch { AmountSign.Positive => "a positive", AmountSign.NonNegative => "a non-negative", _ => "a" };
            throw ContractTemplate.InvalidPayload($"'{name}' must be {what} decimal string such as \"12.50\".");
        }

        if (Currency.TryParse(currency, out var known) && fractionDigits > known.MinorUnits)
            throw ContractTemplate.InvalidPayload($"'{name}' has {fractionDigits} decimals; {currency} allows {known.MinorUnits}.");
    }

    private static string RequireString(JsonElement value, string name) =>
        value.ValueKind == JsonValueKind.String ? value.GetString()! : throw ContractTemplate.InvalidPayload($"'{name}' must be a JSON string.");

    [GeneratedRegex("^[0-9a-f]{64}$", RegexOptions.CultureInvariant)]
    private static partial Regex Sha256Pattern();
}
