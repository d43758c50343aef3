using System.Text.Json;
using System.Xml;
using Moneta.Errors;
using YamlDotNet.Core;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace Moneta.Grains.Templates;

/// <summary>
/// A parsed contract template: which payload fields a contract must carry (and of what type), whether it names an
/// mPass, who signs, in what order, how long the parties have, and the parameters its business flow reads
/// (<see cref="Rules"/>, such as a dispute window). Parsed once per version and cached; published versions never change.
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

    private ContractTemplate(TemplateDocument document, TimeSpan signingDeadline, IReadOnlyList<string> signingOrder, PayloadSchema schema, bool namesMPass)
    {
        Name = document.TemplateName;
        Version = document.Version;
        Description = document.Description;
        SigningDeadline = signingDeadline;
        SigningOrder = signingOrder;
        Schema = schema;
        NamesMPass = namesMPass;
        Rules = document.Rules ?? [];
    }

    public string Name { get; }

    public int Version { get; }

    public string? Description { get; }

    public TimeSpan SigningDeadline { get; }

    public IReadOnlyList<string> SigningOrder { get; }

    public PayloadSchema Schema { get; }

    public IReadOnlyList<PayloadField> Fields => Schema.Fields;

    /// <summary>
    /// Whether contracts of this template name an mPass (a charge, a dispute) or not (terms and statements between
    /// an MO and a publisher, which sign over <c>mpass_id: null</c>).
    /// </summary>
    public bool NamesMPass { get; }

    /// <summary>Parameters of the template's business flow, as written under <c>rules</c> (e.g. <c>dispute_window: P120D</c>).</summary>
    public IReadOnlyDictionary<string, string> Rules { get; }

    /// <summary>The role that signs first and so initiates the contract: a party, or Moneta for the contracts it issues itself.</summary>
    public string InitiatorRole => SigningOrder[0];

    /// <summary>Moneta issues contracts of this template itself (a settlement statement); no partner initiates one.</summary>
    public bool IssuedByMoneta => InitiatorRole == Roles.Moneta;

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

        var namesMPass = document.Mpass switch
        {
            null or "required" => true,
            "none" => false,
            _ => throw Invalid("'mpass' must be 'required' (contracts name an mPass) or 'none' (they sign over mpass_id: null)."),
        };
        if (document.Rules?.Any(r => !Ids.IsValid(r.Key) || string.IsNullOrEmpty(r.Value)) == true)
            throw Invalid("Every entry of 'rules' needs a name (an id) and a value.");

        var schema = PayloadSchema.Parse(document.Schema);
        return new ContractTemplate(document, ParseDeadline(document.SigningDeadline), order, schema, namesMPass);
    }

    /// <summary>The payload must be an object holding exactly the declared fields, each of its declared type.</summary>
    public void ValidatePayload(JsonElement payload) => Schema.Validate(payload);

    /// <summary>An ISO 8601 duration among <see cref="Rules"/>, or <paramref name="fallback"/> when the template does not set it.</summary>
    public TimeSpan DurationRule(string name, TimeSpan fallback) =>
        Rules.TryGetValue(name, out var text) ? ParseDuration(text, $"rules.{name}") : fallback;

    private static TimeSpan ParseDeadline(string? text)
    {
        var deadline = text is null ? DefaultSigningDeadline : ParseDuration(text, "signing_deadline");
        if (deadline <= TimeSpan.Zero)
            throw Invalid("'signing_deadline' must be positive.");
        if (deadline > MaxSigningDeadline)
            throw Invalid($"'signing_deadline' may be at most P{MaxSigningDeadline.Days}D ({MaxSigningDeadline.Days} days).");
        return deadline;
    }

    private static TimeSpan ParseDuration(string text, string member)
    {
        try
        {
            return XmlConvert.ToTimeSpan(text);
        }
        catch (Exception e) when (e is FormatException or OverflowException)
        {
            throw Invalid($"'{member}' must be an ISO 8601 duration such as P7D.");
        }
    }

    internal static DomainException InvalidPayload(string message) => DomainException.Invalid(ErrorCodes.InvalidPayload, message);

    internal static DomainException Invalid(string message) => DomainException.Invalid(ErrorCodes.InvalidTemplate, message);

    // The YAML document as written; validated into a ContractTemplate above.
    private sealed class TemplateDocument
    {
        public string TemplateName { get; set; } = "";
        public int Version { get; set; }
        public string? Description { get; set; }
        public string? SigningDeadline { get; set; }
        public string? Mpass { get; set; }
        public Dictionary<string, string>? Rules { get; set; }
        public SchemaDocument? Schema { get; set; }
        public SignatureRulesDocument? SignatureRules { get; set; }
    }

    private sealed class SignatureRulesDocument
    {
        public List<string>? RequiredSignatures { get; set; }
        public List<string>? SigningOrder { get; set; }
    }
}

/// <summary>The fields of a payload (or of each item of an array field), as the template's YAML declares them.</summary>
public sealed class SchemaDocument
{
    public List<FieldDocument>? RequiredFields { get; set; }
    public List<FieldDocument>? OptionalFields { get; set; }
}

/// <summary>One field as written in a template.</summary>
public sealed class FieldDocument
{
    public string Path { get; set; } = "";
    public string Type { get; set; } = "";
    public string? CurrencyField { get; set; }
    public int? MaxLength { get; set; }
    public List<string>? Values { get; set; }
    public long? Minimum { get; set; }
    public long? Maximum { get; set; }
    public string? Sign { get; set; }
    public int? MaxItems { get; set; }
    public SchemaDocument? Items { get; set; }
}
