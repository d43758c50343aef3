using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Moneta.Crypto;

namespace Moneta.Tests.Crypto;

public sealed class SigningKeyTests : IDisposable
{
    private static readonly byte[] Message = Encoding.ASCII.GetBytes("header.payload");

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "moneta-signing-key-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_directory))
            Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public void A_generated_key_signs_what_its_public_key_verifies()
    {
        using var key = SigningKey.Generate();

        var signature = key.Sign(Message);

        Assert.Equal(64, signature.Length);
        Assert.True(key.PublicKey.Verify(Message, signature));
        Assert.False(key.PublicKey.Verify(Encoding.ASCII.GetBytes("header.payloaD"), signature));
    }

    [Fact]
    public void A_generated_key_is_named_by_its_thumbprint()
    {
        using var key = SigningKey.Generate();

        Assert.Equal(key.PublicKey.Thumbprint, key.Kid);
        Assert.Equal("ES256", key.Algorithm);
        Assert.Equal("ES256", key.PublicKey.Algorithm);
    }

    [Fact]
    public void The_private_JWK_round_trips_to_the_same_key()
    {
        using var key = SigningKey.Generate();

        using var restored = SigningKey.FromPrivateJwk(key.ToPrivateJwk());

        Assert.Equal(key.Kid, restored.Kid);
        Assert.True(key.PublicKey.Verify(Message, restored.Sign(Message)));
    }

    [Fact]
    public void The_private_JWK_is_an_EC_JWK_with_d_that_other_tools_can_read()
    {
        using var key = SigningKey.Generate();

        var jwk = JsonNode.Parse(key.ToPrivateJwk())!.AsObject();
        using var ecdsa = ECDsa.Create(new ECParameters
        {
            Curve = ECCurve.NamedCurves.nistP256,
            D = System.Buffers.Text.Base64Url.DecodeFromChars((string)jwk["d"]!),
            Q = new ECPoint
            {
                X = System.Buffers.Text.Base64Url.DecodeFromChars((string)jwk["x"]!),
                Y = System.Buffers.Text.Base64Url.DecodeFromChars((string)jwk["y"]!),
            },
        });

        Assert.Equal("EC", (string?)jwk["kty"]);
        Assert.Equal("P-256", (string?)jwk["crv"]);
        Assert.Equal(key.Kid, (string?)jwk["kid"]);
        Assert.True(key.PublicKey.Verify(Message, ecdsa.SignData(Message, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation)));
    }

    [Fact]
    public void A_kid_in_the_private_JWK_is_kept()
    {
        using var generated = SigningKey.Generate();
        var jwk = JsonNode.Parse(generated.ToPrivateJwk())!.AsObject();
        jwk["kid"] = "moneta-2026-01";

        using var key = SigningKey.FromPrivateJwk(jwk.ToJsonString());

        Assert.Equal("moneta-2026-01", key.Kid);
        Assert.Equal("moneta-2026-01", key.PublicKey.Kid);
    }

    [Fact]
    public void Without_a_kid_the_private_JWK_is_named_by_its_thumbprint()
    {
        using var generated = SigningKey.Generate();
        var jwk = JsonNode.Parse(generated.ToPrivateJwk())!.AsObject();
        jwk.Remove("kid");

        using var key = SigningKey.FromPrivateJwk(jwk.ToJsonString());

        Assert.Equal(generated.PublicKey.Thumbprint, key.Kid);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("""{"kty":"EC","crv":"P-256"}""")]
    [InlineData("""{"kty":"RSA","n":"AQAB","e":"AQAB","d":"AQAB"}""")]
    public void Something_other_than_a_private_P256_JWK_is_refused(string json)
    {
        Assert.Throws<InvalidJwkException>(() => SigningKey.FromPrivateJwk(json));
    }

    [Fact]
    public void A_public_JWK_is_not_a_signing_key()
    {
        using var generated = SigningKey.Generate();

        var refusal = Assert.Throws<InvalidJwkException>(() => SigningKey.FromPrivateJwk(generated.PublicKey.ToPublicJwk().ToJsonString()));

        Assert.Contains("\"d\"", refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_private_scalar_that_does_not_match_the_public_point_is_refused()
    {
        using var first = SigningKey.Generate();
        using var second = SigningKey.Generate();
        var jwk = JsonNode.Parse(first.ToPrivateJwk())!.AsObject();
        jwk["d"] = JsonNode.Parse(second.ToPrivateJwk())!["d"]!.GetValue<string>();

        Assert.Equal(JwkErrorCode.InvalidJwk, Assert.Throws<InvalidJwkException>(() => SigningKey.FromPrivateJwk(jwk.ToJsonString())).Code);
    }

    [Fact]
    public void CreatePrivateAlgorithm_gives_a_caller_owned_copy_of_the_key()
    {
        using var key = SigningKey.Generate();

        using (var ecdsa = key.CreatePrivateAlgorithm())
        {
            var signature = ecdsa.SignData(Message, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
            Assert.True(key.PublicKey.Verify(Message, signature));
        }

        Assert.True(key.PublicKey.Verify(Message, key.Sign(Message)));
    }

    [Fact]
    public async Task Signing_from_many_threads_at_once_gives_valid_signatures()
    {
        using var key = SigningKey.Generate();

        var results = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => Task.Run(() =>
            Enumerable.Range(0, 100).All(_ => key.PublicKey.Verify(Message, key.Sign(Message))))));

        Assert.All(results, Assert.True);
    }

    [Fact]
    public void A_disposed_key_no_longer_signs()
    {
        var key = SigningKey.Generate();
        key.Dispose();

        Assert.Throws<ObjectDisposedException>(() => key.Sign(Message));
        Assert.Throws<ObjectDisposedException>(() => key.ToPrivateJwk());
        Assert.Throws<ObjectDisposedException>(() => key.CreatePrivateAlgorithm());
    }

    [Fact]
    public void LoadOrCreate_creates_a_key_file_once_and_then_reuses_it()
    {
        var path = Path.Combine(_directory, "data", "signing-key.jwk");

        string kid;
        using (var created = SigningKey.LoadOrCreate(path))
            kid = created.Kid;
        using var loaded = SigningKey.LoadOrCreate(path);

        using var file = JsonDocument.Parse(File.ReadAllText(path));

        Assert.Equal(kid, loaded.Kid);
        Assert.Equal(kid, file.RootElement.GetProperty("kid").GetString());
        // No temporary file is left behind; the empty lock file that serializes creators may stay.
        Assert.Equal([Path.GetFileName(path)], Directory.GetFiles(Path.GetDirectoryName(path)!, "*.jwk*")
            .Where(name => !name.EndsWith(".lock", StringComparison.Ordinal)).Select(Path.GetFileName));
    }

    [Fact]
    public void LoadOrCreate_makes_the_key_file_readable_by_its_owner_only()
    {
        if (OperatingSystem.IsWindows())
            return;

        var path = Path.Combine(_directory, "signing-key.jwk");
        using var key = SigningKey.LoadOrCreate(path);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
    }

    [Fact]
    public void LoadOrCreate_refuses_a_damaged_key_file_instead_of_replacing_it()
    {
        Directory.CreateDirectory(_directory);
        var path = Path.Combine(_directory, "signing-key.jwk");
        File.WriteAllText(path, "{\"kty\":\"EC\"");

        Assert.Throws<InvalidJwkException>(() => SigningKey.LoadOrCreate(path));
        Assert.Equal("{\"kty\":\"EC\"", File.ReadAllText(path));
    }

    [Fact]
    public void Concurrent_LoadOrCreate_calls_agree_on_one_key()
    {
        // Many rounds of threads released together, because the race this guards against (two creators both "winning") is narrow.
        for (var round = 0; round < 25; round++)
        {
            var path = Path.Combine(_directory, $"signing-key-{round}.jwk");
            var keys = LoadOrCreateAtOnce(path, creators: 8);
            try
            {
                using var stored = SigningKey.FromPrivateJwk(File.ReadAllText(path));
                Assert.Single(keys.Select(k => k.Kid).Append(stored.Kid).Distinct());
            }
            finally
            {
                foreach (var key in keys)
                    key.Dispose();
            }
        }
    }

    private static SigningKey[] LoadOrCreateAtOnce(string path, int creators)
    {
        var keys = new SigningKey[creators];
        var failures = new Exception?[creators];
        using var start = new Barrier(creators);
        var threads = Enumerable.Range(0, creators).Select(i => new Thread(() =>
        {
            start.SignalAndWait();
            try
            {
                keys[i] = SigningKey.LoadOrCreate(path);
            }
            catch (Exception e)
            {
                failures[i] = e; // an exception escaping a thread would end the test process
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        Assert.All(failures, Assert.Null);
        return keys;
    }
}
