using System.Text.Json;

namespace Moneta.Contracts;

/// <summary>
/// A contract Moneta issues itself (a template whose first signer is moneta, such as a settlement statement): the
/// terms, which Moneta signs first; the parties then sign in the template's order.
/// </summary>
[GenerateSerializer, Immutable, Alias("Moneta.ContractIssue")]
public sealed record ContractIssue(
    string ContractId,
    string TemplateId,
    int TemplateVersion,
    string MoId,
    string PublisherId,
    string? MpassId,
    JsonElement Payload);
