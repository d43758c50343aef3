using System.Text.Json;

namespace Moneta.Grains.Templates;

/// <summary>
/// The declared fields of a payload, or of each item of an array field. A payload holds exactly the declared
/// fields: an undeclared member is refused, so that nobody signs terms the template does not give a meaning to.
/// Paths may be dotted (<c>transaction.amount</c>) to reach into nested objects.
/// </summary>
public sealed class PayloadSchema
{
    private PayloadSchema(IReadOnlyList<PayloadField> fields) => Fields = fields;

    public IReadOnlyList<PayloadField> Fields { get; }

    internal static PayloadSchema Parse(SchemaDocument? document, bool isItem = false)
    {
        var fields = (document?.RequiredFields ?? []).Select(f => PayloadField.Parse(f, required: true))
            .Concat((document?.OptionalFields ?? []).Select(f => PayloadField.Parse(f, required: false)))
            .ToList();
        if (fields.Select(f => f.Path).Distinct().Count() != fields.Count)
            throw ContractTemplate.Invalid("A payload field is declared twice.");
        foreach (var amount in fields.Where(f => f.Type == FieldType.Amount))
        {
            if (isItem)
                throw ContractTemplate.Invalid($"Amount field '{amount.Path}' cannot be inside an array item: its currency field must be at the top of the payload.");
            if (fields.FirstOrDefault(f => f.Path == amount.CurrencyField) is not { Type: FieldType.Currency, Required: true })
                throw ContractTemplate.Invalid($"Amount field '{amount.Path}' must name a required currency field in 'currency_field'.");
        }

        return new PayloadSchema(fields);
    }

    /// <summary>Checks a payload: an object holding exactly the declared fields, each of its declared type.</summary>
    public void Validate(JsonElement payload) => Validate(payload, "payload", payload);

    internal void Validate(JsonElement value, string name, JsonElement root)
    {
        if (value.ValueKind != JsonValueKind.Object)
            throw ContractTemplate.InvalidPayload($"'{name}' must be a JSON object.");

        RejectUndeclaredMembers(value, prefix: "", name);
        foreach (var field in Fields)
        {
            if (TryResolve(value, field.Path, out var member))
                field.Validate(member, $"{name}.{field.Path}", root);
            else if (field.Required)
                throw ContractTemplate.InvalidPayload($"'{name}.{field.Path}' is required.");
        }
    }

    /// <summary>The value at a dotted path of an object, if it is there.</summary>
    public static bool TryResolve(JsonElement value, string path, out JsonElement found)
    {
        found = value;
        foreach (var segment in path.Split('.'))
        {
            if (found.ValueKind != JsonValueKind.Object || !found.TryGetProperty(segment, out found))
                return false;
        }

        return true;
    }

    private void RejectUndeclaredMembers(JsonElement element, string prefix, string name)
    {
        foreach (var member in element.EnumerateObject())
        {
            var path = prefix + member.Name;
            if (Fields.Any(f => f.Path == path)) continue;
            if (member.Value.ValueKind == JsonValueKind.Object && Fields.Any(f => f.Path.StartsWith(path + ".", StringComparison.Ordinal)))
                RejectUndeclaredMembers(member.Value, path + ".", name);
            else
                throw ContractTemplate.InvalidPayload($"'{name}.{path}' is not a field of this template.");
        }
    }
}
