using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Moneta.Crypto;
using Moneta.Disputes;
using Moneta.Grains.Settlements;
using Moneta.Grains.Templates;
using Moneta.Settlements;
using Moneta.Tests.Support;

namespace Moneta.Tests.Crypto;

/// <summary>
/// The worked examples of docs/protocol.md sections 12 and 13 (dispute-contract, settlement-terms,
/// settlement-contract, lines_digest) and of docs/settlement.md, recomputed with the code Moneta runs: the templates
/// quoted are the shipped ones, each signing input canonicalizes to the bytes and hash printed, each payload fits
/// its template, the lines digest to the printed lines_digest and the statement's figures are what the settlement
/// arithmetic makes of those lines and terms. Editing a value in the documents without the code agreeing fails here.
/// </summary>
public sealed class MoneyPathVectorTests
{
    private const string DisputeTemplateSection = "12.1 The template";
    private const string DisputeFilingSection = "12.2 Filing a dispute";
    private const string DisputeExampleSection = "12.3 Worked example";
    private const string TermsSection = "13.1 `settlement-terms` v1";
    private const string StatementSection = "13.2 `settlement-contract` v1";
    private const string ApiSection = "13.3 The API";
    private const string LinesSection = "13.4 The lines and `lines_digest`";

    private static readonly MarkdownSections Protocol = MarkdownSections.Read("docs", "protocol.md");

    private static readonly Currency Euro = Currency.Of("EUR");

    /// <summary>Each example signing input: its section, the code block of the object as written, and the signer.</summary>
    public static TheoryData<string, int, string> SigningInputs => new()
    {
        { DisputeExampleSection, 0, "mo" },
        { TermsSection, 1, "mo" },
        { StatementSection, 1, "moneta" },
    };

    [Theory]
    [InlineData(DisputeTemplateSection, 0, "dispute-contract")]
    [InlineData(TermsSection, 0, "settlement-terms")]
    [InlineData(StatementSection, 0, "settlement-contract")]
    public void The_templates_quoted_are_the_shipped_templates(string section, int block, string templateName)
    {
        var shipped = ShippedTemplates.For(templateName).Single().Yaml.Replace("\r\n", "\n", StringComparison.Ordinal).TrimEnd('\n');

        Assert.Equal(shipped, Protocol.CodeBlock(section, block));
    }

    [Theory]
    [MemberData(nameof(SigningInputs))]
    public void Each_example_signing_input_canonicalizes_to_the_documented_bytes_and_hash(string section, int block, string signer)
    {
        var written = Protocol.CodeBlock(section, block);
        var canonical = Protocol.CodeBlock(section, block + 1);
        var input = JsonNode.Parse(written)!.AsObject();

        Assert.Equal(
            new[] { "contract_id", "mo_id", "mpass_id", "payload", "previous", "publisher_id", "signer", "template_id", "template_version" },
            input.Select(m => m.Key).Order(StringComparer.Ordinal));
        Assert.Equal(signer, input["signer"]!.GetValue<string>());
        Assert.Null(input["previous"]);
        Assert.Equal(canonical, Encoding.UTF8.GetString(JsonCanonicalizer.Canonicalize(input)));
        Assert.Equal(Protocol.InlineCodeAfter(section, "SHA-256 of these bytes"), Sha256Hex(Encoding.UTF8.GetBytes(canonical)));
    }

    [Theory]
    [MemberData(nameof(SigningInputs))]
    public void Each_example_payload_fits_its_shipped_template(string section, int block, string signer)
    {
        var input = JsonNode.Parse(Protocol.CodeBlock(section, block))!;
        var template = ContractTemplate.Parse(ShippedTemplates.For(input["template_id"]!.GetValue<string>()).Single().Yaml);

        template.ValidatePayload(JsonSerializer.SerializeToElement(input["payload"]));
        Assert.Equal(template.SigningOrder[0], signer);
        Assert.Equal(template.NamesMPass, input["mpass_id"] is not null);
    }

    [Fact]
    public void The_dispute_pipeline_body_makes_the_payload_the_mo_signed()
    {
        var body = JsonNode.Parse(Protocol.CodeBlock(DisputeFilingSection, 0))!;
        var signed = JsonNode.Parse(Protocol.CodeBlock(DisputeExampleSection, 0))!;
        string Text(string name) => body[name]!.GetValue<string>();

        var filing = new DisputeFiling(
            Text("contract_id"), Text("mo_id"), Text("publisher_id"), Text("mpass_id"), Text("disputed_contract_id"),
            Text("amount"), Text("currency"), Text("reason_code"),
            [.. body["evidence"]!.AsArray().Select(e => new DisputeEvidence(e!["type"]!.GetValue<string>(), e["sha256"]!.GetValue<string>(), e["description"]?.GetValue<string>()))],
            Text("description"), Text("signature"));
        var initiation = filing.ToContractInitiation(templateVersion: 1);

        Assert.Equal(JsonCanonicalizer.Canonicalize(signed["payload"]), JsonCanonicalizer.Canonicalize(initiation.Payload));
        Assert.Equal(signed["contract_id"]!.GetValue<string>(), initiation.ContractId);
        Assert.Equal(signed["mpass_id"]!.GetValue<string>(), initiation.MpassId);
    }

    [Fact]
    public void The_example_lines_digest_to_the_documented_lines_digest_with_the_code_moneta_runs()
    {
        var lines = ExampleLines();
        var digest = Protocol.InlineCodeAfter(LinesSection, "lines digest:");
        var statement = ExamplePayload(StatementSection);

        Assert.Equal(Protocol.CodeBlock(LinesSection, 1), Encoding.UTF8.GetString(JsonCanonicalizer.Canonicalize(JsonNode.Parse(Protocol.CodeBlock(LinesSection, 0)))));
        Assert.Equal(digest, LinesDigest.Of(lines));
        Assert.Equal(digest, Sha256Hex(Encoding.UTF8.GetBytes(Protocol.CodeBlock(LinesSection, 1))));
        Assert.Equal(digest, statement["lines_digest"]!.GetValue<string>());
        Assert.Equal(lines.Count, statement["line_count"]!.GetValue<int>());
        Assert.Equal(lines.Select(l => l.SourceContractId).Order(StringComparer.Ordinal), lines.Select(l => l.SourceContractId));
    }

    [Fact]
    public void The_example_statement_holds_the_figures_the_arithmetic_makes_of_its_lines_and_terms()
    {
        var statement = ExamplePayload(StatementSection);
        var carriedIn = Amount(statement["carried_in"]);

        var figures = SettlementArithmetic.Settle(ExampleLines().Sum(l => Amount(l.Amount)), carriedIn, ExampleTerms(), Euro);

        Assert.Equal(Figures(figures, Euro), FiguresOf(statement));
    }

    [Fact]
    public void The_example_batch_view_agrees_with_the_statement_and_the_terms()
    {
        var view = JsonNode.Parse(Protocol.CodeBlock(ApiSection, 0))!;
        var statement = ExamplePayload(StatementSection);
        var terms = ExamplePayload(TermsSection);

        Assert.Equal(FiguresOf(statement), FiguresOf(view));
        Assert.Equal(
            new[] { statement["batch_id"]!.GetValue<string>(), statement["lines_digest"]!.GetValue<string>(), terms["minimum_payout"]!.GetValue<string>() },
            new[] { view["batch_id"]!.GetValue<string>(), view["lines_digest"]!.GetValue<string>(), view["minimum_payout"]!.GetValue<string>() });
        Assert.Equal(terms["moneta_fee_bps"]!.GetValue<int>(), view["moneta_fee_bps"]!.GetValue<int>());
        Assert.Equal(terms["mo_share_bps"]!.GetValue<int>(), view["mo_share_bps"]!.GetValue<int>());
        Assert.Equal(DateTimeOffset.Parse(statement["period_start"]!.GetValue<string>(), CultureInfo.InvariantCulture), DateTimeOffset.Parse(view["period_start"]!.GetValue<string>(), CultureInfo.InvariantCulture));
        Assert.Equal(
            SettlementPeriod.Containing(SettlementPeriodKind.Monthly, DateTimeOffset.Parse(view["opened_at"]!.GetValue<string>(), CultureInfo.InvariantCulture)).End,
            DateTimeOffset.Parse(statement["period_end"]!.GetValue<string>(), CultureInfo.InvariantCulture));
    }

    [Fact]
    public void The_settlement_md_worked_example_is_what_the_arithmetic_makes_of_each_batch_carrying_into_the_next()
    {
        var example = JsonNode.Parse(MarkdownSections.Read("docs", "settlement.md").CodeBlock("Worked example", 0))!;
        var currency = Currency.Of(example["currency"]!.GetValue<string>());
        var terms = SettlementTermsFlow.TermsOf("example", JsonSerializer.SerializeToElement(new JsonObject
        {
            ["currency"] = currency.Code,
            ["period"] = example["terms"]!["period"]!.DeepClone(),
            ["moneta_fee_bps"] = example["terms"]!["moneta_fee_bps"]!.DeepClone(),
            ["mo_share_bps"] = example["terms"]!["mo_share_bps"]!.DeepClone(),
            ["minimum_payout"] = example["terms"]!["minimum_payout"]!.DeepClone(),
        }), DateTimeOffset.UnixEpoch);
        var batches = example["batches"]!.AsArray();
        var carried = 0m;
        var (linesTotal, paidTotal) = (0m, 0m);

        Assert.NotEmpty(batches);
        foreach (var batch in batches)
        {
            var lines = batch!["lines"]!.AsArray().Sum(line => Amount(line));
            var figures = SettlementArithmetic.Settle(lines, carried, terms, currency);

            Assert.Equal(Figures(figures, currency), FiguresOf(batch));
            carried = figures.CarriedOut;
            linesTotal += lines;
            paidTotal += figures.MonetaFee + figures.MoShare + figures.PublisherPayout;
        }

        Assert.Equal(linesTotal, paidTotal + carried);
        Assert.Equal(
            FiguresOf(ExamplePayload(StatementSection)),
            FiguresOf(batches.Single(b => b!["period_start"]!.GetValue<string>() == ExamplePayload(StatementSection)["period_start"]!.GetValue<string>())!));
    }

    private static JsonNode ExamplePayload(string section) => JsonNode.Parse(Protocol.CodeBlock(section, 1))!["payload"]!;

    private static SettlementTerms ExampleTerms()
    {
        var input = JsonNode.Parse(Protocol.CodeBlock(TermsSection, 1))!;
        return SettlementTermsFlow.TermsOf(input["contract_id"]!.GetValue<string>(), JsonSerializer.SerializeToElement(input["payload"]), DateTimeOffset.UnixEpoch);
    }

    private static List<SettlementLineView> ExampleLines() =>
        [.. JsonNode.Parse(Protocol.CodeBlock(LinesSection, 0))!.AsArray().Select(line => new SettlementLineView(
            line!["source_contract_id"]!.GetValue<string>(),
            WireEnumConverter<SettlementLineKind>.TryParse(line["kind"]!.GetValue<string>(), out var kind) ? kind : throw new InvalidOperationException("Unknown line kind."),
            line["amount"]!.GetValue<string>()))];

    private static decimal Amount(JsonNode? amount) => Amount(amount!.GetValue<string>());

    private static decimal Amount(string amount) => decimal.Parse(amount, NumberStyles.AllowDecimalPoint | NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);

    /// <summary>The six figures as the wire spells them, in the statement's order.</summary>
    private static string[] Figures(SettlementFigures f, Currency currency) =>
        [.. new[] { f.Gross, f.MonetaFee, f.MoShare, f.PublisherPayout, f.CarriedIn, f.CarriedOut }.Select(a => new Money(a, currency).ToString())];

    private static string[] FiguresOf(JsonNode node) =>
        [.. new[] { "gross", "moneta_fee", "mo_share", "publisher_payout", "carried_in", "carried_out" }.Select(name => node[name]!.GetValue<string>())];

    private static string Sha256Hex(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));
}
