using System.Text.Json.Nodes;
using Moneta.Client;
using Moneta.Crypto;
using Moneta.Tests.Support;

namespace Moneta.Tests.Client;

/// <summary>The SDK's dispute and settlement calls against a real silo: a partner disputes and settles with the SDK alone.</summary>
public sealed class MoneyPathClientTests(SiloFixture fixture) : IClassFixture<SiloFixture>
{
    private TestSilo Silo => fixture.Silo;

    [Fact]
    public async Task A_pair_disputes_a_charge_and_settles_its_batch_with_the_sdk_alone()
    {
        var scenario = await ContractScenario.CreateAsync(Silo);
        using var asMo = Partner(scenario.Mo.Id, scenario.Mo.Key);
        using var asPublisher = Partner(scenario.Publisher.Id, scenario.Publisher.Key);
        var publisherId = scenario.Publisher.Id;

        var terms = await asMo.Contracts.InitiateAsync(new NewContract(publisherId, MpassId: null, new JsonObject
        {
            ["currency"] = "EUR",
            ["period"] = "monthly",
            ["moneta_fee_bps"] = 250,
            ["mo_share_bps"] = 1500,
            ["minimum_payout"] = "1.00",
        }, TemplateId: "settlement-terms"));
        Assert.Equal("finalized", (await asPublisher.Contracts.SignAsync(terms.ContractId)).Status);
        var charge = await asMo.Contracts.InitiateAsync(new NewContract(publisherId, scenario.MpassId, new JsonObject { ["amount"] = "12.50", ["currency"] = "EUR" }));
        await asPublisher.Contracts.SignAsync(charge.ContractId);

        var dispute = await asMo.Disputes.FileAsync(new NewDispute(
            publisherId, scenario.MpassId, charge.ContractId, "2.50", "EUR", "not_received",
            [new DisputeEvidence("delivery_log", new string('a', 64), "No download recorded")]));
        Assert.Equal("pending_publisher_signature", dispute.Status);
        Assert.Equal(charge.ContractId, dispute.Dispute!.DisputedContractId);
        var accepted = await asPublisher.Contracts.SignAsync(dispute.ContractId);
        Assert.Equal("accepted", accepted.Dispute!.Resolution);
        var tooMuch = await Assert.ThrowsAsync<MonetaProblemException>(() => asMo.Disputes.FileAsync(new NewDispute(publisherId, scenario.MpassId, charge.ContractId, "10.01", "EUR", "other")));
        Assert.Equal("dispute_amount_exceeds_remaining", tooMuch.Code);

        await Eventually.TrueAsync(
            async () => await asMo.Settlements.ListAsync(new SettlementQuery(MoId: scenario.Mo.Id, Status: "open")).AnyAsync(b => b.LineCount == 2),
            TimeSpan.FromSeconds(30), "the charge and the accepted dispute are lines of the open batch");
        var closing = await asPublisher.Settlements.CloseAsync(scenario.Mo.Id, publisherId, "EUR");
        SettlementBatch? batch = null;
        await Eventually.TrueAsync(
            async () => (batch = await asMo.Settlements.GetAsync(closing.BatchId)) is { Status: "awaiting_signatures", SettlementContractId: not null },
            TimeSpan.FromSeconds(30), "the closed batch has issued its settlement contract");

        var lines = await asMo.Settlements.LinesAsync(batch!.BatchId, pageSize: 1).ToListAsync();
        Assert.Equal(new[] { ("charge", "12.50"), ("dispute", "-2.50") }, lines.Select(l => (l.Kind, l.Amount)).Order());
        Assert.Equal(batch.LinesDigest, await asPublisher.Settlements.RecomputeLinesDigestAsync(batch.BatchId));
        Assert.Equal(batch.LinesDigest, SettlementsClient.LinesDigest(lines));
        Assert.Equal(new[] { "10.00", "0.25", "1.50", "8.25" }, new[] { batch.Gross, batch.MonetaFee, batch.MoShare, batch.PublisherPayout });

        await asMo.Contracts.SignAsync(batch.SettlementContractId!);
        Assert.Equal("finalized", (await asPublisher.Contracts.SignAsync(batch.SettlementContractId!)).Status);
        await Eventually.TrueAsync(async () => (await asPublisher.Settlements.GetAsync(batch.BatchId)).Status == "settled", TimeSpan.FromSeconds(30), "the signed batch is settled");
        Assert.Contains(await asPublisher.Settlements.ListAsync(new SettlementQuery(PublisherId: publisherId, Status: "settled")).ToListAsync(), b => b.BatchId == batch.BatchId);
    }

    [Fact]
    public void The_sdk_lines_digest_is_the_one_docs_protocol_md_publishes()
    {
        var protocol = MarkdownSections.Read("docs", "protocol.md");
        const string Section = "13.4 The lines and `lines_digest`";
        var lines = JsonNode.Parse(protocol.CodeBlock(Section, 0))!.AsArray()
            .Select(l => new SettlementLine(l!["source_contract_id"]!.GetValue<string>(), l["kind"]!.GetValue<string>(), l["amount"]!.GetValue<string>()));

        Assert.Equal(protocol.InlineCodeAfter(Section, "lines digest:"), SettlementsClient.LinesDigest(lines));
    }

    private MonetaClient Partner(string organizationId, SigningKey key) =>
        new(new MonetaClientOptions { BaseAddress = Silo.BaseAddress, OrganizationId = organizationId, SigningKey = key });
}
