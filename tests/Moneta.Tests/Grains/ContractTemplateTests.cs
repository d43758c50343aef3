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
    [InlineData("template_name: t\nversion: 1\nsignature_rules:\n  required_signatures: [mo, moneta, publisher]\n  signing_order: [moneta, mo, publisher]\n", "first signer")]
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

    private static string WithDeadline(string deadline) =>
        $"template_name: t\nversion: 1\nsigning_deadline: {deadline}\nsignature_rules:\n  required_signatures: [mo, moneta, publisher]\n  signing_order: [mo, moneta, publisher]\n";

    private static JsonElement Parse(string json) => JsonDocument.Parse(json).RootElement;
}
