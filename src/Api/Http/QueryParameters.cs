using System.Collections.Concurrent;
using System.Collections.Frozen;
using System.Reflection;
using Microsoft.AspNetCore.Mvc.ApiExplorer;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.Extensions.DependencyInjection;

namespace Moneta.Api.Http;

/// <summary>
/// Refuses a query parameter the endpoint does not take, as the JSON reader refuses an unknown member: a misspelt
/// filter (<c>?satus=finalized</c>) silently ignored would answer with every contract instead of an error. Which
/// parameters an endpoint takes is what the API description (and so the OpenAPI document) says it takes.
/// </summary>
public static class QueryParameters
{
    private static readonly ConcurrentDictionary<MethodInfo, FrozenSet<string>> ByHandler = new();

    public static Task RefuseUnknown(HttpContext context, RequestDelegate next)
    {
        if (context.Request.Query.Count == 0 || context.GetEndpoint()?.Metadata.GetMetadata<MethodInfo>() is not { } handler)
            return next(context);

        var accepted = Accepted(context.RequestServices, handler);
        if (accepted is not null && context.Request.Query.Keys.FirstOrDefault(name => !accepted.Contains(name)) is { } unknown)
        {
            var takes = accepted.Count == 0 ? "none" : string.Join(", ", accepted.Order(StringComparer.Ordinal));
            return Problems.Of(400, ErrorCodes.UnknownQueryParameter, $"'{Shorten(unknown)}' is not a query parameter of this endpoint; it takes: {takes}.").ExecuteAsync(context);
        }

        return next(context);
    }

    /// <summary>The query parameters of the endpoint whose handler this is, or null for one the API description leaves out.</summary>
    private static FrozenSet<string>? Accepted(IServiceProvider services, MethodInfo handler)
    {
        if (ByHandler.IsEmpty)
        {
            var descriptions = services.GetRequiredService<IApiDescriptionGroupCollectionProvider>().ApiDescriptionGroups.Items.SelectMany(g => g.Items);
            foreach (var description in descriptions)
            {
                if (description.ActionDescriptor.EndpointMetadata.OfType<MethodInfo>().FirstOrDefault() is { } method)
                    ByHandler.TryAdd(method, description.ParameterDescriptions.Where(p => p.Source == BindingSource.Query).Select(p => p.Name).ToFrozenSet(StringComparer.Ordinal));
            }
        }

        return ByHandler.GetValueOrDefault(handler);
    }

    private static string Shorten(string name) => name.Length <= 64 ? name : name[..64] + "…";
}
