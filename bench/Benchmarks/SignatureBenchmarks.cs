using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Moneta.Crypto;

namespace Moneta.Benchmarks;

/// <summary>
/// ES256 on this machine: raw ECDSA P-256 over the exact bytes a detached JWS signs (the baseline of each group),
/// against <see cref="DetachedJws"/> signing and verifying the canonical bytes of a contract signing input.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class SignatureBenchmarks : IDisposable
{
    private ECDsa _rawKey = null!;
    private ECDsa _rawPublicKey = null!;
    private byte[] _jwsSigningInput = null!;
    private byte[] _rawSignature = null!;
    private SigningKey _key = null!;
    private byte[] _payload = null!;
    private string _jws = null!;

    [GlobalSetup]
    public void Setup()
    {
        _key = SigningKey.Generate();
        _rawKey = _key.CreatePrivateAlgorithm();
        _rawPublicKey = (ECDsa)_key.PublicKey.CreateAlgorithm();
        _payload = JsonCanonicalizer.Canonicalize(SigningInputs.Publisher(SigningInputs.SamplePrevious()));
        _jws = DetachedJws.Sign(_key, _payload);

        // ASCII(BASE64URL(header) + "." + BASE64URL(payload)): what DetachedJws hands to ECDSA.
        var encodedHeader = _jws[.._jws.IndexOf('.', StringComparison.Ordinal)];
        _jwsSigningInput = Encoding.ASCII.GetBytes($"{encodedHeader}.{Base64Url.EncodeToString(_payload)}");
        _rawSignature = _rawKey.SignData(_jwsSigningInput, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        if (!DetachedJws.Verify(_jws, _payload, _key.PublicKey) || !Verify())
            throw new InvalidOperationException("The benchmark's own signatures do not verify.");
    }

    [BenchmarkCategory("sign"), Benchmark(Baseline = true, Description = "ES256 raw sign (ECDsa P-256)")]
    public byte[] Sign() => _rawKey.SignData(_jwsSigningInput, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);

    [BenchmarkCategory("sign"), Benchmark(Description = "DetachedJws.Sign (signing input)")]
    public string JwsSign() => DetachedJws.Sign(_key, _payload);

    [BenchmarkCategory("verify"), Benchmark(Baseline = true, Description = "ES256 raw verify (ECDsa P-256)")]
    public bool Verify() => _rawPublicKey.VerifyData(_jwsSigningInput, _rawSignature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);

    [BenchmarkCategory("verify"), Benchmark(Description = "DetachedJws.Verify (signing input)")]
    public bool JwsVerify() => DetachedJws.Verify(_jws, _payload, _key.PublicKey);

    [GlobalCleanup]
    public void Dispose()
    {
        _rawKey?.Dispose();
        _rawPublicKey?.Dispose();
        _key?.Dispose();
        GC.SuppressFinalize(this);
    }
}
