using System.Globalization;
using System.Text.Json;
using System.Xml;
using Moneta.Errors;
using YamlDotNet.Core;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace Moneta.Grains.Templates;

/// <summary>
/// A parsed contract template: which payload fields a contract must carry (and of what type), who signs, in what
/// order, and how long the parties have. Parsed once per version and cached; published versions never change.
/// </summary>
public sealed class ContractTemplate
{
    private static readonly TimeSpan DefaultSigningDeadline = TimeSpan.FromDays(7);

    // A year (a leap one) is longer than any party should be held to terms it has not finished signing, and the
    // bound keeps creation time + deadline far inside DateTimeOffset's range, which P10000000D overflowed.
    private static readonly TimeSpan MaxSigningDeadline = TimeSpan.FromDays(366);

    private static readonly IDeserializer Yaml = new DeserializerBuilder()
        .WithNamingConvention(UnderscoredNamingConvention.Instance)
        .Build();

    private ContractTemplate(string name, int version, string? description, TimeSpan signingDeadline, IReadOnlyList<string> signingOrder, IReadOnlyList<PayloadField> fields)
    {
        Name = name;
        Version = version;
        Description = description;
        SigningDeadline = signingDeadline;
        SigningOrder = signingOrder;
        Fields = fields;
    }

    public string Name { get; }

    public int Version { get; }

    public string? Description { get; }

    public TimeSpan SigningDeadline { get; }

    public IReadOnlyList<string> SigningOrder { get; }

    public IReadOnlyList<PayloadField> Fields { get; }

    /// <summary>The party that signs first and so initiates the contract.</summary>
    public string InitiatorRole => SigningOrder[0];

    public static ContractTemplate Parse(string yaml)
    {
        TemplateDocument document;
        try
        {
            document = Yaml.Deserialize<TemplateDocument>(yaml) ?? throw Invalid("The template is empty.");
        }
        catch (YamlException e)
        {
            throw Invalid($"The template is not valid YAML for a contract template: {e.Message}");
        }

        if (string.IsNullOrWhiteSpace(document.TemplateName) || !Ids.IsValid(document.TemplateName))
            throw Invalid("'template_name' is required and must be a valid id (letters, digits, '-', '_', '.', ':').");
        if (document.Version < 1)
            throw Invalid("'version' must be a positive integer.");

        var order = document.SignatureRules?.SigningOrder ?? [];
        var required = document.SignatureRules?.RequiredSignatures ?? [];
        if (order.Count == 0 || order.Any(r => !Roles.All.Contains(r)) || order.Distinct().Count() != order.Count)
            throw Invalid("'signature_rules.signing_order' must list distinct roles among mo, moneta and publisher.");
        if (!required.Order().SequenceEqual(order.Order()))
            throw Invalid("'signature_rules.required_signatures' must name the same roles as 'signing_order'.");
        if (!order.Contains(Roles.Mo) || !order.Contains(Roles.Publisher) || !order.Contains(Roles.Moneta))
            throw Invalid("Both parties (mo, publisher) and moneta must sign.");
        if (!Roles.IsParty(order[0]))
            throw Invalid("The first signer must be a party (mo or publisher): the party that initiates the contract.");

        var fields = (document.Schema?.RequiredFields ?? []).Select(f => PayloadField.From(f, required: true))
            .Concat((document.Schema?.OptionalFields ?? []).Select(f => PayloadField.From(f, required: false)))
            .ToList();
        if (fields.Select(f => f.Path).Distinct().Count() != fields.Count)
            throw Invalid("A payload field is declared twice.");
        foreach (var amount in fields.Where(f => f.Type == FieldType.Amount))
        {
            if (fields.FirstOrDefault(f => f.Path == amount.CurrencyField) is not { Type: FieldType.Currency, Required: true })
                throw Invalid($"Amount field '{amount.Path}' must name a required currency field in 'currency_field'.");
        }

        var deadline = DefaultSigningDeadline;
        if (document.SigningDeadline is { } text)
        {
            try
            {
                deadline = XmlConvert.ToTimeSpan(text);
            }
            catch (Exception e) when (e is FormatException or OverflowException)
            {
                throw Invalid("'signing_deadline' must be an ISO 8601 duration such as P7D.");
            }
        }

        if (deadline <= TimeSpan.Zero)
            throw Invalid("'signing_deadline' must be positive.");
        if (deadline > MaxSigningDeadline)
            throw Invalid($"'signing_deadline' may be at most P{MaxSigningDeadline.Days}D ({MaxSigningDeadline.Days} days).");

        return new ContractTemplate(document.TemplateName, document.Version, document.Description, deadline, order, fields);
    }

    /// <summary>The payload must be an object holding exactly the declared fields, each of its declared type.</summary>
    public void ValidatePayload(JsonElement payload)
    {
        if (payload.ValueKind != JsonValueKind.Object)
            throw InvalidPayload("'payload' must be a JSON object.");

        RejectUndeclaredMembers(payload, prefix: "");
        foreach (var field in Fields)
        {
            if (TryResolve(payload, field.Path, out var value))
                field.Validate(value, currencyOf: path => TryResolve(payload, path, out var c) && c.ValueKind == JsonValueKind.String ? c.GetString() : null);
            else if (field.Required)
                throw InvalidPayload($"'payload.{field.Path}' is required.");
        }
    }

    private void RejectUndeclaredMembers(JsonElement element, string prefix)
    {
        foreach (var member in element.EnumerateObject())
        {
            var path = prefix + member.Name;
            if (Fields.Any(f => f.Path == path)) continue;
            if (member.Value.ValueKind == JsonValueKind.Object && Fields.Any(f => f.Path.StartsWith(path + ".", StringComparison.Ordinal)))
                RejectUndeclaredMembers(member.Value, path + ".");
            else
                throw InvalidPayload($"'payload.{path}' is not a field of template {Name} v{Version}.");
        }
    }

    private static bool TryResolve(JsonElement payload, string path, out JsonElement value)
    {
        value = payload;
        foreach (var segment in path.Split('.'))
        {
            if (value.ValueKind != JsonValueKind.Object || !value.TryGetProperty(segment, out value))
                return false;
        }

        return true;
    }

    internal static DomainException InvalidPayload(string message) => DomainException.Invalid(ErrorCodes.InvalidPayload, message);

    private static DomainException Invalid(string message) => DomainException.Invalid(ErrorCodes.InvalidTemplate, message);

    // The YAML document as written; validated into a ContractTemplate above.
    private sealed class TemplateDocument
    {
        public string TemplateName { get; set; } = "";
        public int Version { get; set; }
        public string? Description { get; set; }
        public string? SigningDeadline { get; set; }
        public SchemaDocument? Schema { get; set; }
        public SignatureRulesDocument? SignatureRules { get; set; }
    }

    private sealed class SchemaDocument
    {
        public List<FieldDocument>? RequiredFields { get; set; }
        public List<FieldDocument>? OptionalFields { get; set; }
    }

    private sealed class SignatureRulesDocument
    {
        public List<string>? RequiredSignatures { get; set; }
        public List<string>? SigningOrder { get; set; }
    }

    internal sealed class FieldDocument
    {
        public string Path { get; set; } = "";
        public string Type { get; set; } = "";
        public string? CurrencyField { get; set; }
        public int? MaxLength { get; set; }
    }
}

public enum FieldType
{
    String,
    Amount,
    Currency,
    Integer,
    Boolean,
    DateTime,
}

/// <summary>One declared payload field and the rule for its value.</summary>
public sealed record PayloadField(string Path, FieldType Type, bool Required, string? CurrencyField, int MaxLength)
{
    private const int DefaultMaxLength = 1000;

    internal static PayloadField From(ContractTemplate.FieldDocument field, bool required)
    {
        if (string.IsNullOrWhiteSpace(field.Path) || field.Path.Split('.').Any(s => s.Length == 0))
            throw DomainException.Invalid(ErrorCodes.InvalidTemplate, "Every field needs a 'path' such as 'amount' or 'transaction.amount'.");
        var type = field.Type switch
        {
            "string" => FieldType.String,
            "amount" => FieldType.Amount,
            "currency" => FieldType.Currency,
            "integer" => FieldType.Integer,
            "boolean" => FieldType.Boolean,
            "date_time" => FieldType.DateTime,
            _ => throw DomainException.Invalid(ErrorCodes.InvalidTemplate, $"Field '{field.Path}' has unknown type '{field.Type}'; use string, amount, currency, integer, boolean or date_time."),
        };
        return new PayloadField(field.Path, type, required, field.CurrencyField, field.MaxLength ?? DefaultMaxLength);
    }

    public void Validate(JsonElement value, Func<string, string?> currencyOf)
    {
        switch (Type)
        {
            case FieldType.String:
                var text = RequireString(value);
                if (text.Length > MaxLength)
                    throw ContractTemplate.InvalidPayload($"'payload.{Path}' is longer than {MaxLength} characters.");
                break;
            case FieldType.Amount:
                ValidateAmount(RequireString(value), currencyOf(CurrencyField!));
                break;
            case FieldType.Currency:
                if (!Currencies.TryGetMinorUnits(RequireString(value), out _))
                    throw ContractTemplate.InvalidPayload($"'payload.{Path}' must be an ISO 4217 currency code such as EUR.");
                break;
            case FieldType.Integer:
                if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt64(out _))
                    throw ContractTemplate.InvalidPayload($"'payload.{Path}' must be an integer.");
                break;
            case FieldType.Boolean:
                if (value.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
                    throw ContractTemplate.InvalidPayload($"'payload.{Path}' must be true or false.");
                break;
            case FieldType.DateTime:
                if (!DateTimeOffset.TryParseExact(RequireString(value), "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK", CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
                    throw ContractTemplate.InvalidPayload($"'payload.{Path}' must be an RFC 3339 date-time.");
                break;
        }
    }

    /// <summary>A decimal string, positive, with no more fraction digits than the currency has minor units.</summary>
    private void ValidateAmount(string text, string? currency)
    {
        if (!Amounts.TryParse(text, out var amount, out var fractionDigits) || amount <= 0)
            throw ContractTemplate.InvalidPayload($"'payload.{Path}' must be a positive decimal string such as \"12.50\".");
        if (currency is not null && Currencies.TryGetMinorUnits(currency, out var minorUnits) && fractionDigits > minorUnits)
            throw ContractTemplate.InvalidPayload($"'payload.{Path}' has {fractionDigits} decimals; {currency} allows {minorUnits}.");
    }

    private string RequireString(JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.String)
            throw ContractTemplate.InvalidPayload($"'payload.{Path}' must be a JSON string.");
        return value.GetString()!;
    }
}
