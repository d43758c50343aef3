using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Moneta.Tests.Support;

namespace Moneta.Tests.Api;

/// <summary>
/// Disputes over HTTP: the MO disputes a finalized charge through the pipeline or the contracts endpoint, Moneta
/// countersigns only a dispute that fits the charge, the publisher accepts by signing or declines with a signed
/// rejection, and the charge lists its disputes. Every refusal has its own code and changes nothing.
/// </summary>
public sealed class DisputeFlowTests(SiloFixture fixture) : IClassFixture<SiloFixture>
{
    private const string Sha256 = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

    [Fact]
    public async Task A_dispute_the_publisher_signs_is_accepted_listed_on_its_charge_and_announced_to_both_parties()
    {
        var pair = await SettlementScenario.CreateAsync(fixture.Silo);
        await using var receiver = await WebhookReceiver.StartAsync();
        await receiver.SubscribeAsync(pair.Mo, "/mo", "dispute.opened", "dispute.accepted");
        await receiver.SubscribeAsync(pair.Publisher, "/publisher", "dispute.opened", "dispute.accepted");
        var charge = await pair.ChargeAsync("12.50");
        var evidence = new JsonArray(new JsonObject { ["type"] = "member_statement", ["sha256"] = Sha256, ["description"] = "Never delivered" });

        var dispute = await Json.ReadAsync(await pair.FileDisputeAsync(pair.DisputeBody(Id(charge), "5.00", evidence: evidence)), HttpStatusCode.Created);
        Assert.Equal("dispute-contract", dispute["template_id"]!.GetValue<string>());
        Assert.Equal("pending_publisher_signature", dispute["status"]!.GetValue<string>());
        Assert.Equal(Id(charge), dispute["dispute"]!["disputed_contract_id"]!.GetValue<string>());
        Assert.Null(dispute["dispute"]!["resolution"]);
        Assert.Equal(Sha256, dispute["payload"]!["evidence"]![0]!["sha256"]!.GetValue<string>());

        var accepted = await pair.AcceptAsync(dispute);
        Assert.Equal("accepted", accepted["dispute"]!["resolution"]!.GetValue<string>());
        var listed = await WaitForDisputesAsync(pair.Mo, charge, d => d.Count == 1 && d[0]!["status"]!.GetValue<string>() == "accepted");
        Assert.Equal(("5.00", "not_received"), (listed[0]!["amount"]!.GetValue<string>(), listed[0]!["reason_code"]!.GetValue<string>()));

        foreach (var path in new[] { "/mo", "/publisher" })
        {
            await Eventually.TrueAsync(() => Task.FromResult(receiver.TypesAbout(path, Id(dispute)).Count == 2), because: $"{path} hears the dispute open and end");
            Assert.Equal(["dispute.opened", "dispute.accepted"], receiver.TypesAbout(path, Id(dispute)));
        }

        receiver.AssertAllVerifiedAndOneIdPerEvent();
    }

    [Fact]
    public async Task A_declined_or_withdrawn_dispute_frees_its_amount_for_the_next_one()
    {
        var pair = await SettlementScenario.CreateAsync(fixture.Silo);
        var charge = await pair.ChargeAsync("12.50");

        var declined = await pair.DeclineAsync(await pair.DisputeAsync(Id(charge), "12.50"));
        Assert.Equal("declined", declined["dispute"]!["resolution"]!.GetValue<string>());

        // At once, not only once the charge's list has heard of the answer: the dispute's contract is what counts.
        var withdrawn = await Json.ReadAsync(await pair.Mo.Http.PostAsync($"/api/v1/contracts/{Id(await pair.DisputeAsync(Id(charge), "12.50", reason: "duplicate"))}/void", null), HttpStatusCode.OK);
        Assert.Equal("withdrawn", withdrawn["dispute"]!["resolution"]!.GetValue<string>());

        var third = await pair.AcceptAsync(await pair.DisputeAsync(Id(charge), "12.50", reason: "fraudulent"));
        Assert.Equal("accepted", third["dispute"]!["resolution"]!.GetValue<string>());
        await Json.ProblemAsync(await pair.FileDisputeAsync(pair.DisputeBody(Id(charge), "0.01")), HttpStatusCode.Conflict, "dispute_amount_exceeds_remaining");
        var listed = await WaitForDisputesAsync(pair.Publisher, charge, d => d.Count == 3 && d.All(e => e!["status"]!.GetValue<string>() != "pending"));
        Assert.Equal(["declined", "withdrawn", "accepted"], listed.Select(d => d!["status"]!.GetValue<string>()));
    }

    [Fact]
    public async Task A_dispute_initiated_through_the_contracts_endpoint_is_the_same_dispute_contract()
    {
        var pair = await SettlementScenario.CreateAsync(fixture.Silo);
        var charge = await pair.ChargeAsync("30.00");
        var terms = new JsonObject
        {
            ["contract_id"] = "dsp-" + Guid.NewGuid().ToString("N"),
            ["template_id"] = "dispute-contract",
            ["template_version"] = 1,
            ["mo_id"] = pair.Mo.Id,
            ["publisher_id"] = pair.Publisher.Id,
            ["mpass_id"] = pair.Parties.MpassId,
            ["payload"] = new JsonObject { ["disputed_contract_id"] = Id(charge), ["amount"] = "30.00", ["currency"] = "EUR", ["reason_code"] = "other", ["description"] = "Charged twice" },
        };
        terms["signature"] = pair.Mo.Sign(terms, "mo", previous: null);

        var dispute = await Json.ReadAsync(await pair.Mo.Http.PostAsJsonAsync("/api/v1/contracts", terms), HttpStatusCode.Created);
        Assert.Equal(Id(charge), dispute["dispute"]!["disputed_contract_id"]!.GetValue<string>());
        // The same request again is the same dispute, not a second claim on the charge.
        Assert.Equal(Id(dispute), Id(await Json.ReadAsync(await pair.Mo.Http.PostAsJsonAsync("/api/v1/contracts", terms), HttpStatusCode.OK)));
        await WaitForDisputesAsync(pair.Mo, charge, d => d.Count == 1 && d[0]!["status"]!.GetValue<string>() == "pending");
    }

    [Fact]
    public async Task Moneta_refuses_a_dispute_that_does_not_fit_its_charge_each_with_its_own_code_and_nothing_changes()
    {
        var pair = await SettlementScenario.CreateAsync(fixture.Silo);
        var stranger = await SettlementScenario.CreateAsync(fixture.Silo);
        var charge = await pair.ChargeAsync("12.50");
        var pending = await pair.Parties.InitiateAsync();
        var strangersCharge = await stranger.ChargeAsync("12.50");
        var otherMPass = await Json.ReadAsync(await pair.Mo.Http.PostAsJsonAsync("/api/v1/mpass", new { mo_id = pair.Mo.Id, tier = "gold" }), HttpStatusCode.Created);
        var open = await pair.DisputeAsync(Id(await pair.ChargeAsync("20.00")), "1.00");
        var tooMuchEvidence = new JsonArray([.. Enumerable.Range(0, 21).Select(_ => (JsonNode)new JsonObject { ["type"] = "receipt", ["sha256"] = Sha256 })]);

        var refusals = new (JsonObject Body, HttpStatusCode Status, string Code)[]
        {
            (pair.DisputeBody("no-such-contract", "1.00"), HttpStatusCode.NotFound, "disputed_contract_not_found"),
            (pair.DisputeBody(Id(strangersCharge), "1.00"), HttpStatusCode.NotFound, "disputed_contract_not_found"),
            (pair.DisputeBody(Id(open), "1.00"), HttpStatusCode.BadRequest, "disputed_contract_not_a_charge"),
            (pair.DisputeBody(Id(pending), "1.00"), HttpStatusCode.Conflict, "charge_not_finalized"),
            (pair.DisputeBody(Id(charge), "1.00", mpassId: otherMPass["id"]!.GetValue<string>()), HttpStatusCode.BadRequest, "dispute_parties_mismatch"),
            (pair.DisputeBody(Id(charge), "1.00", currency: "USD"), HttpStatusCode.BadRequest, "dispute_currency_mismatch"),
            (pair.DisputeBody(Id(charge), "12.51"), HttpStatusCode.Conflict, "dispute_amount_exceeds_remaining"),
            (pair.DisputeBody(Id(open["dispute"]!, "disputed_contract_id"), "1.00"), HttpStatusCode.Conflict, "dispute_already_open"),
            (pair.DisputeBody(Id(charge), "1.00", reason: "changed_mind"), HttpStatusCode.BadRequest, "invalid_payload"),
            (pair.DisputeBody(Id(charge), "1.005"), HttpStatusCode.BadRequest, "invalid_payload"),
            (pair.DisputeBody(Id(charge), "1.00", evidence: new JsonArray(new JsonObject { ["type"] = "receipt", ["sha256"] = "not-a-digest" })), HttpStatusCode.BadRequest, "invalid_payload"),
            (pair.DisputeBody(Id(charge), "1.00", evidence: tooMuchEvidence), HttpStatusCode.BadRequest, "invalid_field"),
        };

        foreach (var (body, status, code) in refusals)
        {
            await Json.ProblemAsync(await pair.FileDisputeAsync(body), status, code);
            await Json.ProblemAsync(await pair.Mo.Http.GetAsync($"/api/v1/contracts/{body["contract_id"]}"), HttpStatusCode.NotFound, "contract_not_found");
        }

        Assert.Empty((await Json.ReadAsync(await pair.Mo.Http.GetAsync($"/api/v1/contracts/{Id(charge)}"), HttpStatusCode.OK))["disputes"]!.AsArray());
        // Once refused, the same claim is not remembered: the whole charge is still disputable.
        Assert.Equal("pending_publisher_signature", (await pair.DisputeAsync(Id(charge), "12.50"))["status"]!.GetValue<string>());
    }

    private static async Task<JsonArray> WaitForDisputesAsync(TestPartner by, JsonNode charge, Func<JsonArray, bool> condition)
    {
        JsonArray? disputes = null;
        await Eventually.TrueAsync(async () =>
            condition(disputes = (await Json.ReadAsync(await by.Http.GetAsync($"/api/v1/contracts/{Id(charge)}"), HttpStatusCode.OK))["disputes"]!.AsArray()),
            because: "the charge lists its disputes as they are");
        return disputes!;
    }

    private static string Id(JsonNode node, string member = "contract_id") => node[member]!.GetValue<string>();
}
