using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Moneta.Crypto;
using Moneta.Tests.Support;

namespace Moneta.Tests.Api;

/// <summary>Every refusal is a 4xx problem with a stable code, and leaves the contract exactly as it was.</summary>
public sealed class BadInputTests(SiloFixture fixture) : IClassFixture<SiloFixture>
{
    private TestSilo Silo => fixture.Silo;

    [Theory]
    [InlineData("{", "invalid_json")]
    [InlineData("[]", "invalid_json")]
    [InlineData("{\"contract_id\": 42}", "invalid_json")]
    [InlineData("{\"contract_id\": \"a\", \"contract_id\": \"b\"}", "invalid_json")]
    [InlineData("{\"unexpected_member\": true}", "invalid_json")]
    [InlineData("{}", "missing_field")]
    [InlineData("{\"contract_id\": \"has space\"}", "invalid_id")]
    public async Task Malformed_initiations_are_refused_with_a_problem(string body, string code)
    {
        var scenario = await ContractScenario.CreateAsync(Silo);

        await Json.ProblemAsync(await scenario.Mo.Http.PostAsync("/api/v1/contracts", Json.Raw(body)), HttpStatusCode.BadRequest, code);
    }

    [Theory]
    [InlineData("\"\\ud800\"", "invalid_field")] // a payload that is a lone surrogate
    [InlineData("{\"amount\":\"1.00\",\"currency\":\"EUR\",\"description\":\"x\\udc00\"}", "invalid_field")]
    [InlineData("{\"\\ud800\":\"1.00\"}", "invalid_json")] // in a member name: the parser itself refuses it (it checks names for duplicates)
    [InlineData("1e400", "invalid_payload")] // no RFC 8785 form: beyond a double
    [InlineData("{\"amount\":1e400,\"currency\":\"EUR\"}", "invalid_payload")]
    public async Task Payloads_with_no_canonical_form_are_refused_not_crashed_on(string payload, string code)
    {
        var scenario = await ContractScenario.CreateAsync(Silo);
        var initiation = scenario.Initiation().ToJsonString();
        var start = initiation.IndexOf("\"payload\":", StringComparison.Ordinal) + "\"payload\":".Length;
        var end = initiation.IndexOf(",\"signature\"", StringComparison.Ordinal);
        var body = initiation[..start] + payload + initiation[end..];

        await Json.ProblemAsync(await scenario.Mo.Http.PostAsync("/api/v1/contracts", Json.Raw(body)), HttpStatusCode.BadRequest, code);
    }

    [Theory]
    [InlineData("{\"mo_id\": \"m\", \"tier\": 5}")]
    [InlineData("{\"mo_id\": [\"m\"], \"tier\": \"gold\"}")]
    [InlineData("{\"mo_id\": \"m\", \"tier\": \"gold\", \"valid_until\": 1700000000}")]
    public async Task Numbers_or_arrays_where_a_string_is_expected_are_refused(string body)
    {
        var scenario = await ContractScenario.CreateAsync(Silo);

        await Json.ProblemAsync(await scenario.Mo.Http.PostAsync("/api/v1/mpass", Json.Raw(body)), HttpStatusCode.BadRequest, "invalid_json");
    }

    [Theory]
    [InlineData("/api/v1/contracts/has%20space")]
    [InlineData("/api/v1/contracts/%C3%A9t%C3%A9")]
    [InlineData("/api/v1/mpass/a%2Fb")]
    public async Task Ids_outside_the_documented_alphabet_are_refused_in_routes(string url)
    {
        var scenario = await ContractScenario.CreateAsync(Silo);

        await Json.ProblemAsync(await scenario.Mo.Http.GetAsync(url), HttpStatusCode.BadRequest, "invalid_id");
    }

    [Fact]
    public async Task An_id_longer_than_128_characters_is_refused()
    {
        var scenario = await ContractScenario.CreateAsync(Silo);

        await Json.ProblemAsync(await scenario.Mo.Http.GetAsync($"/api/v1/contracts/{new string('a', 129)}"), HttpStatusCode.BadRequest, "invalid_id");
        await Json.ProblemAsync(await scenario.Mo.Http.PostAsJsonAsync("/api/v1/mpass", new { mo_id = scenario.Mo.Id, tier = new string('t', 129) }), HttpStatusCode.BadRequest, "invalid_id");
    }

    [Fact]
    public async Task Too_deep_json_is_refused()
    {
        var scenario = await ContractScenario.CreateAsync(Silo);
        var deep = new string('[', 100) + new string(']', 100);

        await Json.ProblemAsync(await scenario.Mo.Http.PostAsync("/api/v1/contracts", Json.Raw($"{{\"payload\": {deep}}}")), HttpStatusCode.BadRequest, "invalid_json");
    }

    [Theory]
    [InlineData("12.505", "EUR")] // more decimals than the currency has
    [InlineData("100", "JPY1")] // not an ISO 4217 code
    [InlineData("-5.00", "EUR")]
    [InlineData("0", "EUR")]
    [InlineData("1e3", "EUR")]
    [InlineData("12.5", "JPY")]
    public async Task Payloads_that_break_the_template_are_refused_and_nothing_is_stored(string amount, string currency)
    {
        var scenario = await ContractScenario.CreateAsync(Silo);
        var initiation = scenario.Initiation(amount: amount, currency: currency);

        await Json.ProblemAsync(await scenario.Mo.Http.PostAsJsonAsync("/api/v1/contracts", initiation), HttpStatusCode.BadRequest, "invalid_payload");
        await Json.ProblemAsync(await scenario.Mo.Http.GetAsync($"/api/v1/contracts/{initiation["contract_id"]}"), HttpStatusCode.NotFound, "contract_not_found");
    }

    [Fact]
    public async Task A_number_where_the_template_wants_a_decimal_string_is_refused()
    {
        var scenario = await ContractScenario.CreateAsync(Silo);
        var initiation = scenario.Initiation();
        initiation["payload"]!["amount"] = 12.5;
        initiation["signature"] = scenario.Mo.Sign(initiation, "mo", null);

        await Json.ProblemAsync(await scenario.Mo.Http.PostAsJsonAsync("/api/v1/contracts", initiation), HttpStatusCode.BadRequest, "invalid_payload");
    }

    [Fact]
    public async Task A_tampered_initiation_fails_signature_verification()
    {
        var scenario = await ContractScenario.CreateAsync(Silo);
        var initiation = scenario.Initiation();
        initiation["payload"]!["amount"] = "1200.50"; // changed after signing

        await Json.ProblemAsync(await scenario.Mo.Http.PostAsJsonAsync("/api/v1/contracts", initiation), HttpStatusCode.BadRequest, "invalid_signature");
        await Json.ProblemAsync(await scenario.Mo.Http.GetAsync($"/api/v1/contracts/{initiation["contract_id"]}"), HttpStatusCode.NotFound, "contract_not_found");
    }

    [Fact]
    public async Task A_signature_with_an_unknown_kid_or_malformed_shape_is_refused()
    {
        var scenario = await ContractScenario.CreateAsync(Silo);
        var contract = await scenario.InitiateAsync();
        using var stranger = SigningKey.Generate();

        var byStranger = scenario.Publisher.Sign(contract, "publisher", ContractScenario.MonetaSignature(contract), signWith: stranger);
        await Json.ProblemAsync(await scenario.PublisherSignsAsync(contract, byStranger), HttpStatusCode.BadRequest, "unknown_kid");
        await Json.ProblemAsync(await scenario.PublisherSignsAsync(contract, "not-a-jws"), HttpStatusCode.BadRequest, "malformed_signature");
        var attached = byStranger.Replace("..", ".e30.", StringComparison.Ordinal);
        await Json.ProblemAsync(await scenario.PublisherSignsAsync(contract, attached), HttpStatusCode.BadRequest, "malformed_signature");

        await AssertUnchangedAsync(scenario, contract);
    }

    [Fact]
    public async Task A_forged_signature_under_the_right_kid_is_refused()
    {
        var scenario = await ContractScenario.CreateAsync(Silo);
        var contract = await scenario.InitiateAsync();
        var genuine = scenario.Publisher.Sign(contract, "publisher", ContractScenario.MonetaSignature(contract));
        var forged = genuine[..^4] + (genuine[^4..] == "AAAA" ? "BBBB" : "AAAA");

        await Json.ProblemAsync(await scenario.PublisherSignsAsync(contract, forged), HttpStatusCode.BadRequest, "invalid_signature");
        await AssertUnchangedAsync(scenario, contract);
    }

    [Fact]
    public async Task A_signature_that_skips_the_previous_step_is_refused()
    {
        var scenario = await ContractScenario.CreateAsync(Silo);
        var contract = await scenario.InitiateAsync();
        var skippingMoneta = scenario.Publisher.Sign(contract, "publisher", previous: contract["signatures_map"]!["mo"]!["signature"]!.GetValue<string>());

        await Json.ProblemAsync(await scenario.PublisherSignsAsync(contract, skippingMoneta), HttpStatusCode.BadRequest, "invalid_signature");
        await AssertUnchangedAsync(scenario, contract);
    }

    [Fact]
    public async Task Out_of_order_and_wrong_role_signatures_are_refused()
    {
        var scenario = await ContractScenario.CreateAsync(Silo);
        var contract = await scenario.InitiateAsync();
        var id = contract["contract_id"];

        var moAgain = scenario.Mo.Sign(contract, "mo", null);
        await Json.ProblemAsync(await scenario.Mo.Http.PostAsJsonAsync($"/api/v1/contracts/{id}/signatures", new { role = "mo", signature = moAgain }), HttpStatusCode.Conflict, "already_signed");
        await Json.ProblemAsync(await scenario.Mo.Http.PostAsJsonAsync($"/api/v1/contracts/{id}/signatures", new { role = "publisher", signature = moAgain }), HttpStatusCode.Forbidden, "role_not_yours");
        await Json.ProblemAsync(await scenario.Publisher.Http.PostAsJsonAsync($"/api/v1/contracts/{id}/signatures", new { role = "moneta", signature = moAgain }), HttpStatusCode.BadRequest, "invalid_field");

        await AssertUnchangedAsync(scenario, contract);
    }

    [Fact]
    public async Task The_publisher_cannot_initiate_a_contract_the_mo_must_sign_first()
    {
        var scenario = await ContractScenario.CreateAsync(Silo);
        var initiation = scenario.Initiation();
        initiation["signature"] = scenario.Publisher.Sign(initiation, "mo", null);

        await Json.ProblemAsync(await scenario.Publisher.Http.PostAsJsonAsync("/api/v1/contracts", initiation), HttpStatusCode.Forbidden, "not_initiator");
    }

    [Fact]
    public async Task Another_organizations_contract_is_invisible_and_cannot_be_signed()
    {
        var scenario = await ContractScenario.CreateAsync(Silo);
        var contract = await scenario.InitiateAsync();
        var outsider = await TestPartner.RegisterAsync(Silo, "publisher");
        var id = contract["contract_id"];

        await Json.ProblemAsync(await outsider.Http.GetAsync($"/api/v1/contracts/{id}"), HttpStatusCode.NotFound, "contract_not_found");
        await Json.ProblemAsync(await outsider.Http.GetAsync($"/api/v1/contracts/{id}/audit"), HttpStatusCode.NotFound, "contract_not_found");
        var signature = outsider.Sign(contract, "publisher", ContractScenario.MonetaSignature(contract));
        await Json.ProblemAsync(await outsider.Http.PostAsJsonAsync($"/api/v1/contracts/{id}/signatures", new { role = "publisher", signature }), HttpStatusCode.NotFound, "contract_not_found");

        await AssertUnchangedAsync(scenario, contract);
    }

    [Fact]
    public async Task Contracts_need_active_parties_and_an_active_mpass_of_the_mo()
    {
        var scenario = await ContractScenario.CreateAsync(Silo);
        var otherMo = await TestPartner.RegisterAsync(Silo, "mo");
        var foreignMpass = await Json.ReadAsync(await otherMo.Http.PostAsJsonAsync("/api/v1/mpass", new { mo_id = otherMo.Id, tier = "gold" }), HttpStatusCode.Created);

        var withForeignMpass = scenario.Initiation();
        withForeignMpass["mpass_id"] = foreignMpass["id"]!.DeepClone();
        withForeignMpass["signature"] = scenario.Mo.Sign(withForeignMpass, "mo", null);
        await Json.ProblemAsync(await scenario.Mo.Http.PostAsJsonAsync("/api/v1/contracts", withForeignMpass), HttpStatusCode.BadRequest, "mpass_not_issued_by_mo");

        await Json.ReadAsync(await scenario.Mo.Http.PutAsJsonAsync($"/api/v1/mpass/{scenario.MpassId}/status", new { status = "suspended" }), HttpStatusCode.OK);
        await Json.ProblemAsync(await scenario.Mo.Http.PostAsJsonAsync("/api/v1/contracts", scenario.Initiation()), HttpStatusCode.Conflict, "mpass_not_active");
        await Json.ReadAsync(await scenario.Mo.Http.PutAsJsonAsync($"/api/v1/mpass/{scenario.MpassId}/status", new { status = "active" }), HttpStatusCode.OK);

        await Json.ReadAsync(await Silo.Admin.PutAsJsonAsync($"/api/v1/organizations/publisher/{scenario.Publisher.Id}/status", new { status = "suspended" }), HttpStatusCode.OK);
        await Json.ProblemAsync(await scenario.Mo.Http.PostAsJsonAsync("/api/v1/contracts", scenario.Initiation()), HttpStatusCode.Conflict, "organization_not_active");
    }

    [Fact]
    public async Task A_contract_in_flight_cannot_be_completed_while_the_mo_is_suspended_or_the_mpass_not_active()
    {
        var scenario = await ContractScenario.CreateAsync(Silo);
        var pending = await scenario.InitiateAsync();
        var moStatus = $"/api/v1/organizations/mo/{scenario.Mo.Id}/status";
        var mpassStatus = $"/api/v1/mpass/{scenario.MpassId}/status";

        await Json.ReadAsync(await Silo.Admin.PutAsJsonAsync(moStatus, new { status = "suspended" }), HttpStatusCode.OK);
        await Json.ProblemAsync(await scenario.PublisherSignsAsync(pending), HttpStatusCode.Conflict, "organization_not_active");
        await Json.ReadAsync(await Silo.Admin.PutAsJsonAsync(moStatus, new { status = "active" }), HttpStatusCode.OK);

        await Json.ReadAsync(await Silo.Admin.PutAsJsonAsync(mpassStatus, new { status = "suspended" }), HttpStatusCode.OK);
        await Json.ProblemAsync(await scenario.PublisherSignsAsync(pending), HttpStatusCode.Conflict, "mpass_not_active");
        var stillPending = await Json.ReadAsync(await scenario.Publisher.Http.GetAsync($"/api/v1/contracts/{pending["contract_id"]}"), HttpStatusCode.OK);
        Assert.Equal("pending_publisher_signature", stillPending["status"]!.GetValue<string>());

        await Json.ReadAsync(await Silo.Admin.PutAsJsonAsync(mpassStatus, new { status = "active" }), HttpStatusCode.OK);
        await Json.ReadAsync(await scenario.PublisherSignsAsync(pending), HttpStatusCode.OK);
    }

    [Fact]
    public async Task Unauthenticated_and_invalid_tokens_get_401_problems()
    {
        await Json.ProblemAsync(await Silo.Anonymous.GetAsync("/api/v1/contracts/anything"), HttpStatusCode.Unauthorized, "unauthenticated");
        using var forged = Silo.NewClient("eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.");
        await Json.ProblemAsync(await forged.GetAsync("/api/v1/contracts/anything"), HttpStatusCode.Unauthorized, "invalid_token");
    }

    [Fact]
    public async Task Partners_cannot_administer()
    {
        var scenario = await ContractScenario.CreateAsync(Silo);
        var body = new { name = "Sneaky", keys = new[] { scenario.Mo.Key.PublicKey.ToPublicJwk() } };

        await Json.ProblemAsync(await scenario.Mo.Http.PostAsJsonAsync("/api/v1/organizations/publisher", body), HttpStatusCode.Forbidden, "forbidden");
        await Json.ProblemAsync(await scenario.Mo.Http.PutAsJsonAsync($"/api/v1/organizations/mo/{scenario.Mo.Id}/status", new { status = "active" }), HttpStatusCode.Forbidden, "forbidden");
        await Json.ProblemAsync(await scenario.Mo.Http.GetAsync("/api/v1/admin/cluster"), HttpStatusCode.Forbidden, "forbidden");
        await Json.ProblemAsync(await scenario.Mo.Http.GetAsync("/metrics"), HttpStatusCode.Forbidden, "forbidden");
        await Json.ProblemAsync(await scenario.Mo.Http.GetAsync("/dashboard/DashboardCounters"), HttpStatusCode.Forbidden, "forbidden");
    }

    [Fact]
    public async Task Oversized_bodies_are_refused_with_413()
    {
        var scenario = await ContractScenario.CreateAsync(Silo);
        var huge = "{\"contract_id\":\"" + new string('a', 300 * 1024) + "\"}";

        await Json.ProblemAsync(await scenario.Mo.Http.PostAsync("/api/v1/contracts", Json.Raw(huge)), HttpStatusCode.RequestEntityTooLarge, "payload_too_large");
    }

    private static async Task AssertUnchangedAsync(ContractScenario scenario, JsonNode before)
    {
        var now = await Json.ReadAsync(await scenario.Mo.Http.GetAsync($"/api/v1/contracts/{before["contract_id"]}"), HttpStatusCode.OK);
        // A charge read by itself also lists its disputes, of which there are none; the rest is the answer that created it.
        var expected = before.DeepClone();
        expected["disputes"] = new JsonArray();
        Assert.Equal(expected.ToJsonString(), now.ToJsonString());
        var audit = await Json.ReadAsync(await scenario.Mo.Http.GetAsync($"/api/v1/contracts/{before["contract_id"]}/audit"), HttpStatusCode.OK);
        Assert.Equal(3, audit["events"]!.AsArray().Count);
    }
}
