using System.Xml;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Moneta.Sandbox;

namespace Moneta.Api.Sandbox;

/// <summary>
/// The sandbox clock's routes, for an administrator. Mapped only in the Development and Sandbox environments: in
/// Production the routes do not exist (404), and Moneta's clock is the real one.
/// </summary>
public static class SandboxApi
{
    public const string EnvironmentName = "Sandbox";

    /// <summary>The most one call may advance the clock: as long as the longest signing deadline a template may have.</summary>
    private static readonly TimeSpan MaxAdvance = TimeSpan.FromDays(366);

    public static bool HasSandboxClock(this IHostEnvironment environment) =>
        environment.IsDevelopment() || environment.IsEnvironment(EnvironmentName);

    /// <summary>
    /// Makes Moneta's <see cref="TimeProvider"/> the sandbox clock; call after the silo is added, so it wins. Orleans'
    /// own clocks (membership, messaging, activation collection, directory, timers) stay on real time: a cluster
    /// whose failure detector jumped eight days ahead would declare its own silos dead.
    /// </summary>
    public static IServiceCollection AddSandboxClock(this IServiceCollection services)
    {
        services.AddSingleton<SandboxClock>();
        services.AddSingleton<TimeProvider>(provider => provider.GetRequiredService<SandboxClock>());
        string[] orleansAreas =
        [
            TimeProviderNames.Grains, TimeProviderNames.Messaging, TimeProviderNames.SystemTimers,
            TimeProviderNames.Membership, TimeProviderNames.ActivationManagement, TimeProviderNames.GrainDirectory,
        ];
        foreach (var area in orleansAreas)
            services.AddKeyedSingleton(area, TimeProvider.System);
        services.AddHostedService<SandboxClockSync>();
        return services;
    }

    public static IEndpointRouteBuilder MapSandboxApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/admin/clock", Get).RequireAuthorization().WithTags("Sandbox");
        app.MapPost("/api/v1/admin/clock/advance", Advance).RequireAuthorization().WithTags("Sandbox");
        return app;
    }

    public static Ok<SandboxClockView> Get(Caller caller, SandboxClock clock)
    {
        caller.EnsureAdmin();
        return TypedResults.Ok(SandboxClockView.Of(clock));
    }

    /// <summary>Moves Moneta's clock forward on every silo: contracts past their deadline expire, reminders fire, tokens age.</summary>
    public static async Task<Ok<SandboxClockView>> Advance(AdvanceClockRequest request, Caller caller, SandboxClock clock, IGrainFactory grains)
    {
        caller.EnsureAdmin();
        var by = Duration(Require.Text(request.AdvanceBy, "advance_by", 64));
        if (by <= TimeSpan.Zero || by > MaxAdvance)
            throw DomainException.Invalid(ErrorCodes.InvalidField, "'advance_by' must be a positive duration of at most P366D.");
        clock.MoveTo(await grains.GetGrain<ISandboxClockGrain>(ISandboxClockGrain.Key).Advance(by));
        return TypedResults.Ok(SandboxClockView.Of(clock));
    }

    private static TimeSpan Duration(string text)
    {
        try
        {
            return XmlConvert.ToTimeSpan(text);
        }
        catch (FormatException)
        {
            throw DomainException.Invalid(ErrorCodes.InvalidField, "'advance_by' must be an ISO 8601 duration such as PT1H or P7D.");
        }
        catch (OverflowException)
        {
            throw DomainException.Invalid(ErrorCodes.InvalidField, "'advance_by' must be a positive duration of at most P366D.");
        }
    }

    /// <param name="AdvanceBy">An ISO 8601 duration, e.g. <c>P7D</c> or <c>PT90M</c>.</param>
    public sealed record AdvanceClockRequest(string? AdvanceBy);

    /// <summary>Moneta's time now, and how far ahead of real time it runs.</summary>
    public sealed record SandboxClockView(DateTimeOffset Now, long OffsetSeconds)
    {
        public static SandboxClockView Of(SandboxClock clock) => new(clock.GetUtcNow(), (long)clock.Offset.TotalSeconds);
    }
}
