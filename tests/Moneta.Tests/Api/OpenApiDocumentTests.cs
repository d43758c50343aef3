using System.Net;
using System.Text.RegularExpressions;
using Moneta.Api.OpenApi;
using Moneta.Errors;
using Moneta.Tests.Support;
using Moneta.Webhooks;

namespace Moneta.Tests.Api;

/// <summary>The OpenAPI document says what the API does (a third-party linter checks its form in CI; these check its content).</summary>
public sealed class OpenApiDocumentTests(SiloFixture fixture) : IClassFixture<SiloFixture>
{
    [Fact]
    public async Task The_document_names_the_api_its_security_schemes_and_which_operations_need_none()
    {
        var document = await Json.ReadAsync(await fixture.Silo.Anonymous.GetAsync("/openapi/v1.json"), HttpStatusCode.OK);

        Assert.StartsWith("3.1", document["openapi"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("Moneta Core API", document["info"]!["title"]!.GetValue<string>());
        var schemes = document["components"]!["securitySchemes"]!;
        Assert.Equal("oauth2", schemes["oauth2"]!["type"]!.GetValue<string>());
        Assert.Equal(TestSilo.Issuer + "/api/v1/auth/token", schemes["oauth2"]!["flows"]!["clientCredentials"]!["tokenUrl"]!.GetValue<string>());
        Assert.Equal("bearer", schemes["bearer"]!["scheme"]!.GetValue<string>());
        Assert.Empty(document["paths"]!["/api/v1/auth/token"]!["post"]!["security"]![0]!.AsObject());
        Assert.Null(document["paths"]!["/api/v1/contracts"]!["post"]!["security"]);
    }

    [Fact]
    public async Task Every_operation_lists_its_problem_codes_under_their_statuses_with_an_example_each()
    {
        var document = await Json.ReadAsync(await fixture.Silo.Anonymous.GetAsync("/openapi/v1.json"), HttpStatusCode.OK);

        var initiate = document["paths"]!["/api/v1/contracts"]!["post"]!;
        var conflict = initiate["responses"]!["409"]!["content"]!["application/problem+json"]!;
        var codes = conflict["schema"]!["allOf"]![1]!["properties"]!["code"]!["enum"]!.AsArray().Select(c => c!.GetValue<string>()).ToList();
        Assert.Contains("contract_id_in_use", codes);
        Assert.Contains("idempotency_key_reused", codes);
        Assert.All(codes, code => Assert.Equal(code, conflict["examples"]![code]!["value"]!["code"]!.GetValue<string>()));
        Assert.Contains("invalid_signature", initiate["responses"]!["400"]!["description"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains(initiate["parameters"]!.AsArray(), p => p!["name"]!.GetValue<string>() == "Idempotency-Key");
        Assert.Equal("ctr_2026_0001", initiate["requestBody"]!["content"]!["application/json"]!["example"]!["contract_id"]!.GetValue<string>());

        foreach (var (path, item) in document["paths"]!.AsObject())
        {
            foreach (var (method, operation) in item!.AsObject().Where(o => o.Key is "get" or "post" or "put" or "delete"))
            {
                Assert.False(string.IsNullOrEmpty(operation!["summary"]?.GetValue<string>()), $"{method} {path} has a summary");
                Assert.Contains(operation["responses"]!.AsObject(), r => r.Key.StartsWith('4'));
            }
        }
    }

    [Fact]
    public async Task Request_members_are_required_and_non_null_as_they_really_are_and_statuses_are_enumerations()
    {
        var document = await Json.ReadAsync(await fixture.Silo.Anonymous.GetAsync("/openapi/v1.json"), HttpStatusCode.OK);
        var schemas = document["components"]!["schemas"]!;

        var sign = schemas["SignContractRequest"]!;
        Assert.Equal(["role", "signature"], sign["required"]!.AsArray().Select(r => r!.GetValue<string>()).Order());
        Assert.Equal("string", sign["properties"]!["signature"]!["type"]!.GetValue<string>());
        Assert.Equal(["mo", "publisher"], sign["properties"]!["role"]!["enum"]!.AsArray().Select(r => r!.GetValue<string>()));
        Assert.Equal(["mo_id", "tier"], schemas["IssueMPassRequest"]!["required"]!.AsArray().Select(r => r!.GetValue<string>()).Order());
        Assert.Contains("finalized", schemas["ContractView"]!["properties"]!["status"]!["enum"]!.AsArray().Select(s => s!.GetValue<string>()));
        var kind = document["paths"]!["/api/v1/organizations/{kind}"]!["post"]!["parameters"]!.AsArray().Single(p => p!["name"]!.GetValue<string>() == "kind")!;
        Assert.Equal(["mo", "publisher"], kind["schema"]!["enum"]!.AsArray().Select(k => k!.GetValue<string>()));
        var id = document["paths"]!["/api/v1/contracts/{id}"]!["get"]!["parameters"]!.AsArray().Single(p => p!["name"]!.GetValue<string>() == "id")!;
        Assert.Equal("^[A-Za-z0-9._:-]{1,128}$", id["schema"]!["pattern"]!.GetValue<string>());
    }

    [Fact]
    public async Task Every_event_type_is_a_webhook_with_its_payload_schema()
    {
        var document = await Json.ReadAsync(await fixture.Silo.Anonymous.GetAsync("/openapi/v1.json"), HttpStatusCode.OK);

        var webhooks = document["webhooks"]!.AsObject();
        Assert.Equal(WebhookEventTypes.All.Order(), webhooks.Select(w => w.Key).Order());
        var finalized = webhooks["contract.finalized"]!["post"]!["requestBody"]!["content"]!["application/json"]!["schema"]!;
        Assert.Equal("#/components/schemas/ContractEventData", finalized["properties"]!["data"]!["$ref"]!.GetValue<string>());
        Assert.NotNull(document["components"]!["schemas"]!["ContractEventData"]!["properties"]!["contract"]);
    }

    [Fact]
    public async Task The_api_reference_page_is_served_in_development()
    {
        var page = await fixture.Silo.Anonymous.GetAsync("/docs");

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("openapi/v1.json", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public void Every_problem_code_has_the_statuses_docs_errors_md_gives_it()
    {
        var catalog = Repository.ReadFile("docs", "errors.md");
        var codes = typeof(ErrorCodes).GetFields().Select(f => (string)f.GetValue(null)!).ToList();

        Assert.All(codes, code =>
        {
            var row = Regex.Match(catalog, $@"\| `{code}` \| ([0-9 /]+) \|");
            Assert.True(row.Success, $"{code} is in docs/errors.md");
            var documented = row.Groups[1].Value.Split('/', StringSplitOptions.TrimEntries).Select(int.Parse).Order();
            Assert.Equal(documented, ProblemCatalog.Statuses[code].Order());
        });
    }
}
