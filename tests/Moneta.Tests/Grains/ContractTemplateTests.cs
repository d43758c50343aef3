using System.Text.Json;
using Moneta.Errors;
using Moneta.Grains.Templates;

namespace Moneta.Tests.Grains;

public sealed class ContractTemplateTests
{
    private static readonly ContractTemplate Transaction = ContractTemplate.Parse(ShippedTemplates.For("transaction-contract").Single().Yaml);

    [Fact]
    public void The_shipped_transaction_contract_is_signed_by_mo_then_moneta_then_publisher_within_seven_days()
    {
        Assert.Equal(["mo", "moneta", "publisher"], Transaction.SigningOrder);
        Assert.Equal("mo", Transaction.InitiatorRole);
        Assert.Equal(TimeSpan.FromDays(7), Transaction.SigningDeadline);
    }

    [Theory]
    [InlineData("""{"amount":"12.50","currency":"EUR"}""")]
    [InlineData("""{"amount":"12.5","currency":"EUR","description":"x"}""")]
    [InlineData("""{"amount":"1000","currency":"JPY"}""")]
    [InlineData("""{"amount":"0.125","currency":"BHD"}""")]
    public void Valid_payloads_pass(string payload) => Transaction.ValidatePayload(Parse(payload));

    [Theory]
    [InlineData("""{"currency":"EUR"}""", "required")]
    [InlineData("""{"amount":"12.50"}""", "required")]
    [InlineData("""{"amount":12.5,"currency":"EUR"}""", "JSON string")]
    [InlineData("""{"amount":"12.505","currency":"EUR"}""", "decimals")]
    [InlineData("""{"amount":"0.00","currency":"EUR"}""", "positive")]
    [InlineData("""{"amount":"012.00","currency":"EUR"}""", "positive")]
    [InlineData("""{"amount":"+1","currency":"EUR"}""", "positive")]
    [InlineData("""{"amount":"1,00","currency":"EUR"}""", "positive")]
    [InlineData("""{"amount":"1.00","currency":"eur"}""", "ISO 4217")]
    [InlineData("""{"amount":"1.00","currency":"EUR","tip":"1.00"}""", "not a field")]
    [InlineData("""[]""", "object")]
    public void Invalid_payloads_are_refused_with_a_reason(string payload, string reason)
    {
        var refused = Assert.Throws<DomainException>(() => Transaction.ValidatePayload(Parse(payload)));
        Assert.Equal(ErrorCodes.InvalidPayload, refused.Code);
        Assert.Contains(reason, refused.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("template_name: t\nversion: 1\nsignature_rules:\n  required_signatures: [mo, moneta]\n  signing_order: [mo, moneta]\n", "Both parties")]
    [InlineData("template_name: t\nversion: 1\nmpass: optional\nsignature_rules:\n  required_signatures: [mo, moneta, publisher]\n  signing_order: [mo, moneta, publisher]\n", "'mpass'")]
    [InlineData("template_name: t\nversion: 0\n", "version")]
    [InlineData("template_name: t\nversion: 1\nunknown_key: 1\n", "not valid YAML")]
    [InlineData("template_name: t\nversion: 1\nsigning_deadline: seven days\nsignature_rules:\n  required_signatures: [mo, moneta, publisher]\n  signing_order: [mo, moneta, publisher]\n", "ISO 8601")]
    [InlineData("template_name: t\nversion: 1\nschema:\n  required_fields:\n    - path: amount\n      type: amount\nsignature_rules:\n  required_signatures: [mo, moneta, publisher]\n  signing_order: [mo, moneta, publisher]\n", "currency field")]
    public void Invalid_templates_are_refused_with_a_reason(string yaml, string reason)
    {
        var refused = Assert.Throws<DomainException>(() => ContractTemplate.Parse(yaml));
        Assert.Equal(ErrorCodes.InvalidTemplate, refused.Code);
        Assert.Contains(reason, refused.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("P367D")]
    [InlineData("P366DT1S")]
    [InlineData("P10000000D")]
    [InlineData("P99999999999D")]
    public void A_signing_deadline_over_366_days_is_refused(string deadline)
    {
        var refused = Assert.Throws<DomainException>(() => ContractTemplate.Parse(WithDeadline(deadline)));
        Assert.Equal(ErrorCodes.InvalidTemplate, refused.Code);
    }

    [Theory]
    [InlineData("PT0S")]
    [InlineData("-P1D")]
    public void A_signing_deadline_must_be_positive(string deadline)
    {
        var refused = Assert.Throws<DomainException>(() => ContractTemplate.Parse(WithDeadline(deadline)));
        Assert.Equal(ErrorCodes.InvalidTemplate, refused.Code);
        Assert.Contains("positive", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_template_without_a_signing_deadline_gives_seven_days()
    {
        var yaml = "template_name: t\nversion: 1\nsignature_rules:\n  required_signatures: [mo, moneta, publisher]\n  signing_order: [mo, moneta, publisher]\n";

        Assert.Equal(TimeSpan.FromDays(7), ContractTemplate.Parse(yaml).SigningDeadline);
    }

    [Fact]
    public void A_signing_deadline_of_exactly_366_days_is_accepted() =>
        Assert.Equal(TimeSpan.FromDays(366), ContractTemplate.Parse(WithDeadline("P366D")).SigningDeadline);

    [Theory]
    [InlineData("12.50", true, "12.50", 2)]
    [InlineData("7", true, "7", 0)]
    [InlineData("999999999999999.99999999", true, "999999999999999.99999999", 8)]
    [InlineData("1e5", false, "0", 0)]
    [InlineData("NaN", false, "0", 0)]
    [InlineData(" 1", false, "0", 0)]
    [InlineData("1.", false, "0", 0)]
    public void Amounts_are_exact_decimals(string text, bool valid, string expected, int digits)
    {
        Assert.Equal(valid, Amounts.TryParse(text, out var amount, out var fractionDigits));
        if (!valid) return;
        Assert.Equal(decimal.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), amount);
        Assert.Equal(digits, fractionDigits);
    }

    private const string Typed = """
        template_name: typed
        version: 1
        mpass: none
        rules:
          window: P30D
        schema:
          required_fields:
            - { path: currency, type: currency }
            - { path: kind, type: enum, values: [a, b] }
            - { path: count, type: integer, minimum: 0, maximum: 10 }
            - { path: ref, type: id }
            - { path: digest, type: sha256 }
            - { path: floor, type: amount, currency_field: currency, sign: non_negative }
            - { path: net, type: amount, currency_field: currency, sign: any }
          optional_fields:
            - path: items
              type: array
              max_items: 2
              items:
                required_fields:
                  - { path: name, type: id }
                optional_fields:
                  - { path: note, type: string, max_length: 5 }
        signature_rules:
          required_signatures: [moneta, mo, publisher]
          signing_order: [moneta, mo, publisher]
        """;

    private const string ValidTyped = """{"currency":"EUR","kind":"a","count":10,"ref":"ctr-1","digest":"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08","floor":"0","net":"-12.50"}""";

    [Fact]
    public void A_template_whose_first_signer_is_moneta_is_issued_by_moneta_and_may_name_no_mpass()
    {
        var template = ContractTemplate.Parse(Typed);

        Assert.True(template.IssuedByMoneta);
        Assert.False(template.NamesMPass);
        Assert.Equal(TimeSpan.FromDays(30), template.DurationRule("window", TimeSpan.Zero));
        Assert.Equal(TimeSpan.FromDays(1), template.DurationRule("absent", TimeSpan.FromDays(1)));
    }

    [Theory]
    [InlineData(ValidTyped)]
    [InlineData("""{"currency":"JPY","kind":"b","count":0,"ref":"x","digest":"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08","floor":"100","net":"0","items":[{"name":"n"},{"name":"m","note":"short"}]}""")]
    public void Typed_fields_accept_what_they_declare(string payload) => ContractTemplate.Parse(Typed).ValidatePayload(Parse(payload));

    [Theory]
    [InlineData("kind", "\"c\"", "one of: a, b")]
    [InlineData("count", "11", "between 0 and 10")]
    [InlineData("count", "-1", "between 0 and 10")]
    [InlineData("count", "1.5", "integer")]
    [InlineData("ref", "\"a/b\"", "letters, digits")]
    [InlineData("digest", "\"9F86D081884C7D659A2FEAA0C55AD015A3BF4F1B2B0B822CD15D6C15B0F00A08\"", "SHA-256")]
    [InlineData("digest", "\"abc\"", "SHA-256")]
    [InlineData("floor", "\"-1\"", "non-negative")]
    [InlineData("net", "\"-0.00\"", "decimal string")]
    [InlineData("net", "\"-1.001\"", "decimals")]
    [InlineData("items", "[{\"name\":\"n\"},{\"name\":\"n\"},{\"name\":\"n\"}]", "at most 2 items")]
    [InlineData("items", "[{\"name\":\"n\",\"extra\":1}]", "payload.items[0].extra' is not a field")]
    [InlineData("items", "[{\"note\":\"x\"}]", "payload.items[0].name' is required")]
    [InlineData("items", "[{\"name\":\"n\",\"note\":\"too long\"}]", "longer than 5")]
    [InlineData("items", "[\"n\"]", "payload.items[0]' must be a JSON object")]
    [InlineData("items", "{}", "JSON array")]
    public void Typed_fields_refuse_what_they_do_not_declare(string member, string value, string reason)
    {
        var payload = System.Text.Json.Nodes.JsonNode.Parse(ValidTyped)!.AsObject();
        payload[member] = System.Text.Json.Nodes.JsonNode.Parse(value);

        var refused = Assert.Throws<DomainException>(() => ContractTemplate.Parse(Typed).ValidatePayload(Parse(payload.ToJsonString())));

        Assert.Equal(ErrorCodes.InvalidPayload, refused.Code);
        Assert.Contains(reason, refused.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{ path: k, type: enum }", "values")]
    [InlineData("{ path: k, type: integer, minimum: 5, maximum: 1 }", "minimum")]
    [InlineData("{ path: k, type: array }", "max_items")]
    [InlineData("{ path: k, type: amount, currency_field: c, sign: sometimes }", "sign")]
    public void Malformed_typed_fields_are_refused(string field, string reason)
    {
        var yaml = $"template_name: t\nversion: 1\nschema:\n  required_fields:\n    - {{ path: c, type: currency }}\n    - {field}\nsignature_rules:\n  required_signatures: [mo, moneta, publisher]\n  signing_order: [mo, moneta, publisher]\n";

        var refused = Assert.Throws<DomainException>(() => ContractTemplate.Parse(yaml));

        Assert.Equal(ErrorCodes.InvalidTemplate, refused.Code);
        Assert.Contains(reason, refused.Message, StringComparison.Ordinal);
    }

    private static string WithDeadline(string deadline) =>
        $"template_name: t\nversion: 1\nsigning_deadline: {deadline}\nsignature_rules:\n  required_signatures: [mo, moneta, publisher]\n  signing_order: [mo, moneta, publisher]\n";

    private static JsonElement Parse(string json) => JsonDocument.Parse(json).RootElement;
}
