using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Moneta.Contracts;
using Moneta.GrainModel;
using Moneta.Grains;
using Moneta.Grains.Settlements;
using Moneta.Settlements;
using Moneta.Tests.Support;

namespace Moneta.Tests.Api;

/// <summary>
/// Settlement over HTTP, as the two parties do it: terms agreed and countersigned, charges and disputes entering the
/// open batch, a batch closed early by a party, its lines fetched and its digest and figures recomputed by each party
/// before each signs the settlement contract Moneta issued.
/// </summary>
public sealed class SettlementFlowTests(SettlementFlowTests.Silo fixture) : IClassFixture<SettlementFlowTests.Silo>
{
    [Fact]
    public async Task A_batch_closed_early_is_settled_once_both_parties_recompute_its_digest_and_figures_and_sign()
    {
        var pair = await SettlementScenario.CreateAsync(fixture.Silo);
        var terms = await pair.AgreeTermsAsync(currency: "EUR", period: "monthly", feeBps: 250, moShareBps: 2000, minimumPayout: "10.00");
        Assert.Equal("finalized", terms["status"]!.GetValue<string>());
        Assert.Null(terms["mpass_id"]?.GetValue<string>());

        var charges = new List<JsonNode>();
        foreach (var amount in new[] { "12.50", "30.00", "7.25" })
            charges.Add(await pair.ChargeAsync(amount));
        var accepted = await pair.AcceptAsync(await pair.DisputeAsync(Id(charges[1]), "10.00"));
        await pair.DeclineAsync(await pair.DisputeAsync(Id(charges[0]), "12.50"));
        var open = await pair.WaitForBatchAsync(b => SettlementScenario.Is(b, "open", lines: 4), "three charges and the accepted dispute are in the open batch");

        var closing = await Json.ReadAsync(await pair.CloseEarlyAsync(pair.Publisher), HttpStatusCode.Accepted);
        Assert.Equal(Id(open, "batch_id"), Id(closing, "batch_id"));
        var batch = await pair.WaitForBatchAsync(b => Id(b, "batch_id") == Id(open, "batch_id") && b["settlement_contract_id"] is not null, "the closed batch has its settlement contract");
        Assert.Equal("awaiting_signatures", batch["status"]!.GetValue<string>());
        Assert.Equal(Id(terms), batch["terms_contract_id"]!.GetValue<string>());

        foreach (var party in new[] { pair.Mo, pair.Publisher })
        {
            // Each party recomputes what it signs: the lines' digest, and every figure from the lines and the terms.
            var lines = await SettlementScenario.LinesAsync(party, Id(batch, "batch_id"), limit: 2);
            Assert.Equal(new[] { Id(charges[0]), Id(charges[1]), Id(charges[2]), Id(accepted) }.Order(StringComparer.Ordinal), lines.Select(l => Id(l!, "source_contract_id")));
            Assert.Equal(SettlementScenario.Digest(lines), batch["lines_digest"]!.GetValue<string>());
            Assert.Equal("-10.00", lines.Single(l => Id(l!, "source_contract_id") == Id(accepted))!["amount"]!.GetValue<string>());

            var statement = await SettlementScenario.StatementAsync(party, batch);
            Assert.Equal("settlement-contract", statement["template_id"]!.GetValue<string>());
            Assert.Equal(["moneta", "mo", "publisher"], statement["signing_order"]!.AsArray().Select(r => r!.GetValue<string>()));
            var payload = statement["payload"]!;
            Assert.Equal(SettlementScenario.Digest(lines), payload["lines_digest"]!.GetValue<string>());
            Assert.Equal(4, payload["line_count"]!.GetValue<int>());
            // 12.50 + 30.00 + 7.25 - 10.00 = 39.75; 2.5 % = 0.99375 -> 0.99; 20 % = 7.95; the publisher gets the rest.
            Assert.Equal(("39.75", "0.99", "7.95", "30.81", "0.00", "0.00"), Figures(payload));
            Assert.Equal(Figures(payload), Figures(batch));
        }

        var statementForMo = await SettlementScenario.StatementAsync(pair.Mo, batch);
        var signedByMo = await Json.ReadAsync(await SettlementScenario.SignAsync(pair.Mo, statementForMo, "mo"), HttpStatusCode.OK);
        Assert.Equal("pending_publisher_signature", signedByMo["status"]!.GetValue<string>());
        var finalized = await Json.ReadAsync(await SettlementScenario.SignAsync(pair.Publisher, signedByMo, "publisher"), HttpStatusCode.OK);
        Assert.Equal("finalized", finalized["status"]!.GetValue<string>());

        await pair.WaitForBatchAsync(b => Id(b, "batch_id") == Id(batch, "batch_id") && SettlementScenario.Is(b, "settled"), "the batch is settled once both signed");
        var verification = await Json.ReadAsync(await pair.Publisher.Http.GetAsync($"/api/v1/contracts/{Id(finalized)}/verification"), HttpStatusCode.OK);
        Assert.True(verification["verified"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Moneta_countersigns_settlement_terms_only_with_shares_that_fit_and_a_fee_at_or_above_its_minimum()
    {
        var pair = await SettlementScenario.CreateAsync(fixture.Silo);

        await Json.ProblemAsync(await pair.ProposeTermsAsync(feeBps: 99), HttpStatusCode.BadRequest, "settlement_fee_below_minimum");
        await Json.ProblemAsync(await pair.ProposeTermsAsync(feeBps: 5000, moShareBps: 5001), HttpStatusCode.BadRequest, "settlement_shares_exceed_total");
        await Json.ProblemAsync(await pair.ProposeTermsAsync(period: "yearly"), HttpStatusCode.BadRequest, "invalid_payload");
        await Json.ProblemAsync(await pair.ProposeTermsAsync(minimumPayout: "-1.00"), HttpStatusCode.BadRequest, "invalid_payload");
        await Json.ProblemAsync(await pair.CloseEarlyAsync(pair.Mo), HttpStatusCode.Conflict, "no_settlement_terms");

        var accepted = await pair.AgreeTermsAsync(feeBps: 100, moShareBps: 9900, minimumPayout: "0");
        Assert.Equal("finalized", accepted["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Only_moneta_issues_settlement_contracts_and_terms_name_no_mpass()
    {
        var pair = await SettlementScenario.CreateAsync(fixture.Silo);
        var statement = new JsonObject
        {
            ["contract_id"] = "forged-" + Guid.NewGuid().ToString("N"),
            ["template_id"] = "settlement-contract",
            ["template_version"] = 1,
            ["mo_id"] = pair.Mo.Id,
            ["publisher_id"] = pair.Publisher.Id,
            ["mpass_id"] = null,
            ["payload"] = new JsonObject(),
        };
        statement["signature"] = pair.Mo.Sign(statement, "mo", previous: null);
        await Json.ProblemAsync(await pair.Mo.Http.PostAsJsonAsync("/api/v1/contracts", statement), HttpStatusCode.Forbidden, "not_initiator");

        var withMPass = new JsonObject
        {
            ["contract_id"] = "terms-" + Guid.NewGuid().ToString("N"),
            ["template_id"] = "settlement-terms",
            ["template_version"] = 1,
            ["mo_id"] = pair.Mo.Id,
            ["publisher_id"] = pair.Publisher.Id,
            ["mpass_id"] = pair.Parties.MpassId,
            ["payload"] = new JsonObject { ["currency"] = "EUR", ["period"] = "monthly", ["moneta_fee_bps"] = 250, ["mo_share_bps"] = 2000, ["minimum_payout"] = "10.00" },
        };
        withMPass["signature"] = pair.Mo.Sign(withMPass, "mo", previous: null);
        await Json.ProblemAsync(await pair.Mo.Http.PostAsJsonAsync("/api/v1/contracts", withMPass), HttpStatusCode.BadRequest, "invalid_field");
    }

    [Fact]
    public async Task What_a_batch_below_the_minimum_payout_carries_out_the_next_batch_carries_in()
    {
        var pair = await SettlementScenario.CreateAsync(fixture.Silo);
        await pair.AgreeTermsAsync(feeBps: 250, moShareBps: 2000, minimumPayout: "100.00");

        await pair.ChargeAsync("12.50");
        await pair.WaitForBatchAsync(b => SettlementScenario.Is(b, "open", lines: 1), "the charge is in the open batch");
        var first = await CloseAndWaitAsync(pair, pair.Mo);
        Assert.Equal(("12.50", "0.00", "0.00", "0.00", "0.00", "12.50"), Figures(first));

        var charge = await pair.ChargeAsync("90.00");
        var second = await pair.WaitForBatchAsync(b => SettlementScenario.Is(b, "open", lines: 1), "the second charge is in the next batch");
        Assert.NotEqual(Id(first, "batch_id"), Id(second, "batch_id"));
        var closed = await CloseAndWaitAsync(pair, pair.Publisher);
        // 12.50 carried in + 90.00 = 102.50: 2.5 % = 2.5625 -> 2.56; 20 % = 20.50; 79.44 to the publisher.
        Assert.Equal(("102.50", "2.56", "20.50", "79.44", "12.50", "0.00"), Figures(closed));
        var lines = await SettlementScenario.LinesAsync(pair.Publisher, Id(closed, "batch_id"));
        Assert.Equal([Id(charge)], lines.Select(l => Id(l!, "source_contract_id")));
    }

    [Fact]
    public async Task A_settlement_contract_a_party_rejects_leaves_the_batch_contested_and_both_parties_hear_of_it()
    {
        var pair = await SettlementScenario.CreateAsync(fixture.Silo);
        await using var receiver = await WebhookReceiver.StartAsync();
        await receiver.SubscribeAsync(pair.Mo, "/mo");
        await receiver.SubscribeAsync(pair.Publisher, "/publisher");
        await pair.AgreeTermsAsync(minimumPayout: "0");
        await pair.ChargeAsync("20.00");
        await pair.WaitForBatchAsync(b => SettlementScenario.Is(b, "open", lines: 1), "the charge is in the open batch");
        var batch = await CloseAndWaitAsync(pair, pair.Mo);

        var statement = await SettlementScenario.StatementAsync(pair.Mo, batch);
        var rejected = await Json.ReadAsync(await SettlementScenario.RejectAsync(pair.Mo, statement, "mo", "The figures do not match our books"), HttpStatusCode.OK);
        Assert.Equal("rejected", rejected["status"]!.GetValue<string>());

        await pair.WaitForBatchAsync(b => Id(b, "batch_id") == Id(batch, "batch_id") && SettlementScenario.Is(b, "contested"), "a rejected settlement contract contests its batch");
        foreach (var path in new[] { "/mo", "/publisher" })
        {
            await Eventually.TrueAsync(() => Task.FromResult(SettlementTypes(receiver, path, Id(batch, "batch_id")).Count == 2), because: $"{path} hears both settlement events");
            Assert.Equal(["settlement.awaiting_signature", "settlement.contested"], SettlementTypes(receiver, path, Id(batch, "batch_id")));
        }

        Assert.All(receiver.Received, r => Assert.True(r.Verified, $"{r.Type} to {r.Path} verifies"));
    }

    [Fact]
    public async Task Settlement_requests_are_refused_for_an_empty_batch_and_batches_are_the_parties_own()
    {
        var pair = await SettlementScenario.CreateAsync(fixture.Silo);
        var stranger = await TestPartner.RegisterAsync(fixture.Silo, "mo");
        await pair.AgreeTermsAsync();
        // The account adopts the terms when their finalization reaches it through the outbox, a moment later.
        await Eventually.TrueAsync(
            async () => (await (await pair.CloseEarlyAsync(pair.Publisher)).Content.ReadFromJsonAsync<JsonObject>())?["code"]?.GetValue<string>() != "no_settlement_terms",
            TimeSpan.FromSeconds(30), "the pair's account adopted its terms");

        await Json.ProblemAsync(await pair.CloseEarlyAsync(pair.Publisher), HttpStatusCode.Conflict, "settlement_batch_empty");
        await Json.ProblemAsync(await pair.CloseEarlyAsync(pair.Publisher, currency: "EURO"), HttpStatusCode.BadRequest, "invalid_field");
        await Json.ProblemAsync(await stranger.Http.PostAsJsonAsync("/api/v1/events/settlements", new { mo_id = pair.Mo.Id, publisher_id = pair.Publisher.Id, currency = "EUR" }), HttpStatusCode.Forbidden, "forbidden");

        await pair.ChargeAsync();
        var batch = await pair.WaitForBatchAsync(b => SettlementScenario.Is(b, "open", lines: 1), "the charge is in the open batch");
        var id = Id(batch, "batch_id");
        await Json.ProblemAsync(await stranger.Http.GetAsync($"/api/v1/settlements/{id}"), HttpStatusCode.NotFound, "settlement_not_found");
        await Json.ProblemAsync(await stranger.Http.GetAsync($"/api/v1/settlements/{id}/lines"), HttpStatusCode.NotFound, "settlement_not_found");
        await Json.ProblemAsync(await stranger.Http.GetAsync($"/api/v1/settlements?mo_id={pair.Mo.Id}"), HttpStatusCode.Forbidden, "forbidden");
        await Json.ProblemAsync(await pair.Mo.Http.GetAsync($"/api/v1/settlements?mo_id={pair.Mo.Id}&status=closed"), HttpStatusCode.BadRequest, "invalid_field");
        await Json.ProblemAsync(await pair.Mo.Http.GetAsync($"/api/v1/settlements/{id}/lines?cursor=not-a-cursor"), HttpStatusCode.BadRequest, "invalid_cursor");
        Assert.Equal(id, Id(await pair.BatchAsync(id, pair.Publisher), "batch_id"));
        Assert.Single((await Json.ReadAsync(await fixture.Silo.Admin.GetAsync($"/api/v1/settlements?publisher_id={pair.Publisher.Id}&status=open"), HttpStatusCode.OK))["items"]!.AsArray());
    }

    [Fact]
    public async Task Charges_finalized_before_the_pair_agreed_terms_wait_and_enter_its_first_batch()
    {
        var pair = await SettlementScenario.CreateAsync(fixture.Silo);
        var early = new[] { await pair.ChargeAsync("1.00"), await pair.ChargeAsync("2.00") };
        // The charges' events have reached the account: they wait in their registers, in no batch yet.
        var index = fixture.Silo.Services.GetRequiredService<IGrainIndex>();
        var account = $"{pair.Mo.Id}/{pair.Publisher.Id}/EUR";
        await Eventually.TrueAsync(async () => (await index.QueryAsync<ISettlementLineGrain>("parked", account, null, 10)).Keys.Count == 2, because: "both charges are parked");

        await pair.AgreeTermsAsync();
        var later = await pair.ChargeAsync("3.00");

        var batch = await pair.WaitForBatchAsync(b => SettlementScenario.Is(b, "open", lines: 3), "the waiting charges and the new one are in the first batch");
        var lines = await SettlementScenario.LinesAsync(pair.Mo, Id(batch, "batch_id"));
        Assert.Equal(new[] { Id(early[0]), Id(early[1]), Id(later) }.Order(StringComparer.Ordinal), lines.Select(l => Id(l!, "source_contract_id")));
    }

    private static string Id(JsonNode node, string member = "contract_id") => node[member]!.GetValue<string>();

    [Fact]
    public async Task A_finalization_event_delivered_again_is_counted_once_even_after_its_batch_closed()
    {
        var pair = await SettlementScenario.CreateAsync(fixture.Silo);
        await pair.AgreeTermsAsync(minimumPayout: "0");
        var charge = await pair.ChargeAsync("12.50");
        await pair.WaitForBatchAsync(b => SettlementScenario.Is(b, "open", lines: 1), "the charge is in the open batch");

        var account = Account(pair);
        var redelivered = LineEvent(charge, 12.50m);
        await account.HandleEvent(redelivered);
        await account.HandleEvent(redelivered);
        Assert.Equal(1, (await pair.BatchesAsync()).Single()!["line_count"]!.GetValue<int>());

        var closed = await CloseAndWaitAsync(pair, pair.Mo);
        await account.HandleEvent(redelivered);

        var batches = await pair.BatchesAsync();
        Assert.Equal(Id(closed, "batch_id"), Id(batches.Single()!, "batch_id"));
        Assert.Equal(1, batches.Single()!["line_count"]!.GetValue<int>());
        Assert.Equal("12.50", batches.Single()!["gross"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_run_of_finalization_events_delivered_again_puts_each_line_in_exactly_one_batch()
    {
        var pair = await SettlementScenario.CreateAsync(fixture.Silo);
        await pair.AgreeTermsAsync(minimumPayout: "0");
        var first = await pair.ChargeAsync("12.50");
        await pair.WaitForBatchAsync(b => SettlementScenario.Is(b, "open", lines: 1), "the first charge is in the open batch");
        var closed = await CloseAndWaitAsync(pair, pair.Mo);
        var second = await pair.ChargeAsync("2.00");
        var third = await pair.ChargeAsync("3.00");
        var open = await pair.WaitForBatchAsync(b => SettlementScenario.Is(b, "open", lines: 2), "the later charges are in the next batch");

        // As the relay hands a run over after a crash: a line of the closed batch, the open batch's, one of them twice.
        await Account(pair).HandleEvents([LineEvent(first, 12.50m), LineEvent(second, 2.00m), LineEvent(third, 3.00m), LineEvent(second, 2.00m)]);

        var batches = (await pair.BatchesAsync()).ToDictionary(b => Id(b!, "batch_id"));
        Assert.Equal(1, batches[Id(closed, "batch_id")]!["line_count"]!.GetValue<int>());
        Assert.Equal(2, batches[Id(open, "batch_id")]!["line_count"]!.GetValue<int>());
        var lines = await SettlementScenario.LinesAsync(pair.Mo, Id(open, "batch_id"));
        Assert.Equal(new[] { Id(second), Id(third) }.Order(StringComparer.Ordinal), lines.Select(l => Id(l!, "source_contract_id")));
    }

    [Fact]
    public async Task A_finalized_charge_and_its_line_register_leave_memory_and_answer_from_storage_when_read_again()
    {
        var pair = await SettlementScenario.CreateAsync(fixture.Silo);
        await pair.AgreeTermsAsync(minimumPayout: "0");
        var pending = await pair.Parties.InitiateAsync(pair.Parties.Initiation(amount: "1.00"));
        var charge = await pair.ChargeAsync("4.00");
        await pair.WaitForBatchAsync(b => SettlementScenario.Is(b, "open", lines: 1), "the finalized charge is in the open batch");

        var grains = fixture.Silo.Services.GetRequiredService<IGrainFactory>();
        Assert.Equal(1, await ActivationsOf(grains.GetGrain<IContractGrain>(Id(pending)))); // still waiting for the publisher
        await Eventually.TrueAsync(async () =>
            await ActivationsOf(grains.GetGrain<IContractGrain>(Id(charge))) == 0 && await ActivationsOf(grains.GetGrain<ISettlementLineGrain>(Id(charge))) == 0,
            because: "a finished contract and its assigned line register are not kept in memory");

        var read = await Json.ReadAsync(await pair.Mo.Http.GetAsync($"/api/v1/contracts/{Id(charge)}"), HttpStatusCode.OK);
        Assert.Equal(("finalized", charge["signatures_map"]!.ToJsonString()), (read["status"]!.GetValue<string>(), read["signatures_map"]!.ToJsonString()));
        await Account(pair).HandleEvent(LineEvent(charge, 4.00m));
        Assert.Equal(1, (await pair.BatchesAsync()).Single()!["line_count"]!.GetValue<int>());

        Task<int> ActivationsOf(IAddressable grain) => grains.GetGrain<IManagementGrain>(0).GetGrainActivationCount((GrainReference)grain);
    }

    private ISettlementAccountGrain Account(SettlementScenario pair) =>
        fixture.Silo.Services.GetRequiredService<IGrainFactory>().GetGrain<ISettlementAccountGrain>($"{pair.Mo.Id}/{pair.Publisher.Id}/EUR");

    /// <summary>The event a charge's finalization committed, exactly as the outbox delivers it again after a crash.</summary>
    private static GrainEvent LineEvent(JsonNode charge, decimal amount) =>
        FlowEvents.New(SettlementLineReports.EventType, Id(charge), DateTimeOffset.Parse(charge["finalized_at"]!.GetValue<string>(), CultureInfo.InvariantCulture),
            new SettlementLine(Id(charge), SettlementLineKind.Charge, amount));

    /// <summary>Closes the pair's open batch early (again while the batch before is still closing) and waits for its settlement contract.</summary>
    private static async Task<JsonNode> CloseAndWaitAsync(SettlementScenario pair, TestPartner by)
    {
        string? batchId = null;
        await Eventually.TrueAsync(async () =>
        {
            using var response = await pair.CloseEarlyAsync(by);
            if (response.StatusCode == HttpStatusCode.Conflict && (await Json.ReadAsync(response, HttpStatusCode.Conflict))["code"]!.GetValue<string>() == "settlement_batch_closing") return false;
            batchId = Id(await Json.ReadAsync(response, HttpStatusCode.Accepted), "batch_id");
            return true;
        }, because: "the batch before has finished closing");
        return await pair.WaitForBatchAsync(b => Id(b, "batch_id") == batchId && b["settlement_contract_id"] is not null, "the closed batch has its settlement contract");
    }

    private static List<string> SettlementTypes(WebhookReceiver receiver, string path, string batchId) =>
        [.. receiver.Accepted.Where(r => r.Path == path && r.Body["data"]?["batch"]?["batch_id"]?.GetValue<string>() == batchId).DistinctBy(r => r.Id).Select(r => r.Type)];

    private static (string, string, string, string, string, string) Figures(JsonNode source) =>
        (Amount(source, "gross"), Amount(source, "moneta_fee"), Amount(source, "mo_share"), Amount(source, "publisher_payout"), Amount(source, "carried_in"), Amount(source, "carried_out"));

    private static string Amount(JsonNode source, string member) => source[member]!.GetValue<string>();

    /// <summary>One silo for these tests; none of them moves its clock.</summary>
    public sealed class Silo : SiloFixture
    {
        protected override IDictionary<string, string?>? Settings => new Dictionary<string, string?>
        {
            ["Moneta:Settlement:MinimumFeeBps"] = "100",
            ["Moneta:Settlement:LinesPerPage"] = "3",
        };
    }
}
