using BenchmarkDotNet.Attributes;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Moneta.Api.Auth;
using Moneta.Crypto;

namespace Moneta.Benchmarks;

/// <summary>
/// The access-token check every partner request makes: IdentityModel's handler verifying the ES256 token each time
/// (the baseline, what the front door did before ADR 0012 §3) against <see cref="RememberedAccessTokens"/>, which
/// verifies a token once and then recognizes its text until it expires.
/// </summary>
[MemoryDiagnoser]
public class AccessTokenBenchmarks
{
    private readonly JsonWebTokenHandler _verifyEveryTime = new() { MapInboundClaims = false };
    private RememberedAccessTokens _remembered = null!;
    private TokenValidationParameters _validation = null!;
    private string _token = null!;

    [GlobalSetup]
    public async Task Setup()
    {
        var auth = new MonetaAuthOptions { Issuer = "https://moneta.example" };
        var tokens = new AccessTokens(auth, new MonetaKeys(SigningKey.Generate(), []), TimeProvider.System);
        _validation = tokens.Validation;
        _token = tokens.Issue("0d4c1c3e-6a59-4d5e-9b7e-2f3b8c9a1e55", "mo").Token;
        _remembered = new RememberedAccessTokens(auth, TimeProvider.System) { MapInboundClaims = false };
        if (!(await VerifyEveryTime()).IsValid || !(await Remembered()).IsValid)
            throw new InvalidOperationException("The benchmark's token does not validate.");
    }

    [Benchmark(Baseline = true, Description = "JsonWebTokenHandler: ES256 verified on every request")]
    public Task<TokenValidationResult> VerifyEveryTime() => _verifyEveryTime.ValidateTokenAsync(_token, _validation);

    [Benchmark(Description = "RememberedAccessTokens: a token already verified")]
    public Task<TokenValidationResult> Remembered() => _remembered.ValidateTokenAsync(_token, _validation);
}
