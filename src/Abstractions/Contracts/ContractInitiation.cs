using System.Text.Json;

namespace Moneta.Contracts;

/// <summary>
/// The initiator's request: the contract's terms and the initiator's signature over them. <see cref="MpassId"/> is null
/// for a template that names no mPass (settlement terms).
/// </summary>
[GenerateSerializer, Immutable, Alias("Moneta.ContractInitiation")]
public sealed record ContractInitiation(
    string ContractId,
    string TemplateId,
    int TemplateVersion,
    string MoId,
    string PublisherId,
    string? MpassId,
    JsonElement Payload,
    string Signature);
