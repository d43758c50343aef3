using System.Reflection;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Moneta.Contracts;
using Moneta.Errors;
using Moneta.Runtime.Hosting;
using Orleans.Serialization;

namespace Moneta.Tests.Runtime;

/// <summary>What crosses a silo boundary arrives intact, and what is stored keeps a name that survives a rename.</summary>
public sealed class SerializationTests : IDisposable
{
    private readonly ServiceProvider _services = new ServiceCollection().AddMonetaSerialization().BuildServiceProvider();

    private Serializer Serializer => _services.GetRequiredService<Serializer>();

    [Fact]
    public void A_domain_refusal_crosses_silos_with_its_kind_code_message_and_details()
    {
        Exception refusal = new DomainException(ErrorKind.Conflict, "already_signed", "The publisher has already signed.")
        {
            Details = new Dictionary<string, string> { ["signer"] = "pub-1" },
        };

        var arrived = Assert.IsType<DomainException>(Serializer.Deserialize<Exception>(Serializer.SerializeToArray(refusal)));

        Assert.Equal(ErrorKind.Conflict, arrived.Kind);
        Assert.Equal("already_signed", arrived.Code);
        Assert.Equal("The publisher has already signed.", arrived.Message);
        Assert.Equal("pub-1", arrived.Details["signer"]);
    }

    [Fact]
    public void A_contract_view_keeps_its_json_payload_across_silos()
    {
        using var payload = JsonDocument.Parse("""{"amount":{"value":"12.50","currency":"EUR"},"plan":"annual"}""");
        var view = new ContractView(
            "c-1", "subscription-charge", 2, "mo-1", "pub-1", "mp-1", payload.RootElement.Clone(),
            new Dictionary<string, ContractSignatureView>(), ["mo", "moneta", "publisher"], ContractStatuses.PendingSignatureOf(Roles.Publisher),
            DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch.AddDays(1), null, null);

        var arrived = Assert.IsType<ContractView>(Serializer.Deserialize<ContractView>(Serializer.SerializeToArray(view)));

        Assert.Equal(payload.RootElement.GetRawText(), arrived.Payload.GetRawText());
        Assert.Equal(view.SigningOrder, arrived.SigningOrder);
        Assert.Equal(view.ExpiresAt, arrived.ExpiresAt);
    }

    [Fact]
    public void Every_type_orleans_serializes_has_a_stable_alias_of_our_own()
    {
        // Without an alias Orleans writes the CLR type name, and a rename or a move would make stored state and
        // in-flight messages unreadable by the next deployment.
        var assemblies = new[] { typeof(ContractView).Assembly, Assembly.Load("Moneta.Grains") };
        var missing = assemblies
            .SelectMany(assembly => assembly.GetTypes())
            .Where(type => type.GetCustomAttribute<GenerateSerializerAttribute>() is not null)
            .Where(type => type.GetCustomAttribute<AliasAttribute>() is not { Alias: var alias } || !alias.StartsWith("Moneta.", StringComparison.Ordinal))
            .Select(type => type.FullName)
            .ToList();

        Assert.Empty(missing);
    }

    public void Dispose() => _services.Dispose();
}
