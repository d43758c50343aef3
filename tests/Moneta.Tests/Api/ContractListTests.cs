using System.Net;
using System.Text.Json.Nodes;
using Moneta.Tests.Support;

namespace Moneta.Tests.Api;

/// <summary>Contract lists by a party and a status together, by a creation time range, and strict about their query.</summary>
public sealed class ContractListTests(SiloFixture fixture) : IClassFixture<SiloFixture>
{
    private TestSilo Silo => fixture.Silo;

    [Fact]
    public async Task A_party_lists_its_contracts_of_one_status()
    {
        var scenario = await ContractScenario.CreateAsync(Silo);
        var pending = await scenario.InitiateAsync();
        var finalized = await scenario.InitiateAsync();
        await Json.ReadAsync(await scenario.PublisherSignsAsync(finalized), HttpStatusCode.OK);
        var voided = await scenario.InitiateAsync();
        await Json.ReadAsync(await scenario.Mo.Http.PostAsync($"/api/v1/contracts/{voided["contract_id"]}/void", null), HttpStatusCode.OK);

        Assert.Equal([Id(finalized)], await IdsAsync(scenario.Mo.Http, $"mo_id={scenario.Mo.Id}&status=finalized"));
        Assert.Equal([Id(pending)], await IdsAsync(scenario.Publisher.Http, $"publisher_id={scenario.Publisher.Id}&status=pending_publisher_signature"));
        Assert.Equal([Id(voided)], await IdsAsync(Silo.Admin, $"mo_id={scenario.Mo.Id}&status=voided"));
    }

    [Fact]
    public async Task A_creation_time_range_keeps_what_was_created_from_after_until_before()
    {
        var scenario = await ContractScenario.CreateAsync(Silo);
        var first = await scenario.InitiateAsync();
        var second = await scenario.InitiateAsync();
        var third = await scenario.InitiateAsync();
        var from = Uri.EscapeDataString(second["created_at"]!.GetValue<string>());
        var until = Uri.EscapeDataString(third["created_at"]!.GetValue<string>());

        Assert.Equal([Id(second), Id(third)], await IdsAsync(scenario.Mo.Http, $"mo_id={scenario.Mo.Id}&created_after={from}"));
        Assert.Equal([Id(first), Id(second)], await IdsAsync(scenario.Mo.Http, $"mo_id={scenario.Mo.Id}&created_before={until}"));
        Assert.Equal([Id(second)], await IdsAsync(scenario.Mo.Http, $"mo_id={scenario.Mo.Id}&created_after={from}&created_before={until}"));
        Assert.Equal([Id(second), Id(third)], await IdsAsync(scenario.Publisher.Http, $"status=pending_publisher_signature&created_after={from}"));
        Assert.Equal([Id(second), Id(third)], await IdsAsync(Silo.Admin, $"publisher_id={scenario.Publisher.Id}&status=pending_publisher_signature&created_after={from}"));
    }

    [Fact]
    public async Task A_time_range_list_pages_through_its_cursor_one_contract_at_a_time()
    {
        var scenario = await ContractScenario.CreateAsync(Silo);
        var contracts = new List<string>();
        for (var i = 0; i < 3; i++) contracts.Add(Id(await scenario.InitiateAsync()));
        var from = Uri.EscapeDataString(DateTimeOffset.UtcNow.AddDays(-40).ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture));

        Assert.Equal(contracts, await IdsAsync(scenario.Mo.Http, $"mo_id={scenario.Mo.Id}&created_after={from}", limit: 1));
    }

    [Fact]
    public async Task Unknown_query_parameters_and_statuses_are_refused()
    {
        var scenario = await ContractScenario.CreateAsync(Silo);

        var unknown = await Json.ProblemAsync(await scenario.Mo.Http.GetAsync($"/api/v1/contracts?mo_id={scenario.Mo.Id}&satus=finalized"), HttpStatusCode.BadRequest, "unknown_query_parameter");
        Assert.Contains("'satus'", unknown["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        await Json.ProblemAsync(await scenario.Mo.Http.GetAsync($"/api/v1/contracts?mo_id={scenario.Mo.Id}&status=signed"), HttpStatusCode.BadRequest, "invalid_field");
        await Json.ProblemAsync(await scenario.Mo.Http.GetAsync($"/api/v1/mpass/{scenario.MpassId}?verbose=1"), HttpStatusCode.BadRequest, "unknown_query_parameter");
        await Json.ProblemAsync(await scenario.Mo.Http.GetAsync($"/api/v1/contracts?mo_id={scenario.Mo.Id}&created_after=yesterday"), HttpStatusCode.BadRequest, "invalid_field");
        await Json.ProblemAsync(await scenario.Mo.Http.GetAsync($"/api/v1/contracts?mo_id={scenario.Mo.Id}&created_after=2026-01-02T00:00:00Z&created_before=2026-01-01T00:00:00Z"), HttpStatusCode.BadRequest, "invalid_field");
        await Json.ProblemAsync(await scenario.Mo.Http.GetAsync($"/api/v1/contracts?mo_id={scenario.Mo.Id}&publisher_id={scenario.Publisher.Id}"), HttpStatusCode.BadRequest, "invalid_request");
    }

    [Fact]
    public async Task A_partner_cannot_list_another_partys_contracts_by_time()
    {
        var scenario = await ContractScenario.CreateAsync(Silo);
        await scenario.InitiateAsync();
        var stranger = await TestPartner.RegisterAsync(Silo, "mo");

        await Json.ProblemAsync(await stranger.Http.GetAsync($"/api/v1/contracts?mo_id={scenario.Mo.Id}&created_after=2020-01-01T00:00:00Z"), HttpStatusCode.Forbidden, "forbidden");
        Assert.Empty(await IdsAsync(stranger.Http, "status=pending_publisher_signature&created_after=2020-01-01T00:00:00Z"));
    }

    private static string Id(JsonNode contract) => contract["contract_id"]!.GetValue<string>();

    /// <summary>Every contract id of the list, following next_cursor to the end.</summary>
    private static async Task<List<string>> IdsAsync(HttpClient client, string query, int limit = 50)
    {
        var ids = new List<string>();
        string? cursor = null;
        do
        {
            var page = await Json.ReadAsync(await client.GetAsync($"/api/v1/contracts?{query}&limit={limit}" + (cursor is null ? "" : $"&cursor={Uri.EscapeDataString(cursor)}")), HttpStatusCode.OK);
            ids.AddRange(page["items"]!.AsArray().Select(c => c!["contract_id"]!.GetValue<string>()));
            cursor = page["next_cursor"]?.GetValue<string>();
        }
        while (cursor is not null);
        return ids;
    }
}
