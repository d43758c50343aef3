using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Moneta.Crypto;

/// <summary>
/// Moneta's own ES256 private key: signs our side of contracts. Safe to use from many threads at once.
/// </summary>
public sealed class SigningKey : IDisposable
{
    private const int P256FieldBytes = 32;

    private readonly ECParameters _privateKey;
    private readonly AlgorithmPool<ECDsa> _pool;
    private volatile bool _disposed;

    private SigningKey(ECDsa imported, string? kid)
    {
        _privateKey = imported.ExportParameters(includePrivateParameters: true);
        PublicKey = PartnerKey.FromEs256PublicKey(
            new ECParameters { Curve = ECCurve.NamedCurves.nistP256, Q = _privateKey.Q },
            kid);
        _pool = new AlgorithmPool<ECDsa>(() => ECDsa.Create(_privateKey));
        _pool.Return(imported);
    }

    /// <summary>The kid given in the JWK, or else the key's RFC 7638 thumbprint.</summary>
    public string Kid => PublicKey.Kid;

    public string Algorithm => "ES256";

    /// <summary>The public half, as partners (and our own verification code) see it.</summary>
    public PartnerKey PublicKey { get; }

    public static SigningKey Generate() => new(ECDsa.Create(ECCurve.NamedCurves.nistP256), kid: null);

    /// <exception cref="InvalidJwkException">The JSON is not a private EC P-256 JWK.</exception>
    public static SigningKey FromPrivateJwk(string json)
    {
        ArgumentNullException.ThrowIfNull(json);

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            throw JwkMembers.Invalid($"The private JWK is not valid JSON: {e.Message}");
        }

        using (document)
            return FromPrivateJwk(JwkMembers.Read(document.RootElement));
    }

    private static SigningKey FromPrivateJwk(JwkMembers members)
    {
        if (members.RequiredString("kty") != "EC" || members.RequiredString("crv") != "P-256")
            throw JwkMembers.Unsupported("Moneta's signing key must be an EC P-256 key.");
        if (members.OptionalString("alg") is { } algorithm && algorithm != "ES256")
            throw JwkMembers.Unsupported($"The alg \"{algorithm}\" does not fit a P-256 key; use ES256 or leave alg out.");

        var kid = members.OptionalString("kid");
        if (kid is not null && !KeyId.IsValid(kid))
            throw JwkMembers.Invalid(KeyId.Rule);

        var privateKey = new ECParameters
        {
            Curve = ECCurve.NamedCurves.nistP256,
            Q = new ECPoint { X = members.FixedBytes("x", P256FieldBytes), Y = members.FixedBytes("y", P256FieldBytes) },
            D = members.FixedBytes("d", P256FieldBytes),
        };

        try
        {
            // The import also checks that d is the private scalar of (x, y).
            return new SigningKey(ECDsa.Create(privateKey), kid);
        }
        catch (CryptographicException e)
        {
            throw JwkMembers.Invalid($"The private key does not match its public point or is not a P-256 key: {e.Message}");
        }
        finally
        {
            CryptographicOperations.ZeroMemory(privateKey.D);
        }
    }

    /// <summary>
    /// For development: the key kept in a file beside the database. Reads the private JWK at
    /// <paramref name="path"/>, or creates one there, readable by the owner only, if there is none.
    /// </summary>
    public static SigningKey LoadOrCreate(string path)
    {
        var fullPath = Path.GetFullPath(path);
        if (File.Exists(fullPath))
            return FromPrivateJwk(File.ReadAllText(fullPath));

        Directory.CreateDirectory(Path.GetDirectoryName(fullPath)!);
        using var creatorLock = AcquireCreatorLock($"{fullPath}.lock");

        // Another process may have created the key while this one waited; everyone must sign with the same key.
        if (File.Exists(fullPath))
            return FromPrivateJwk(File.ReadAllText(fullPath));

        var key = Generate();
        WriteNewFile(fullPath, key.ToPrivateJwk());
        return key;
    }

    /// <summary>The private JWK, including d. Handle it as a secret.</summary>
    public string ToPrivateJwk()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var jwk = PublicKey.ToPublicJwk();
        jwk["d"] = StrictBase64Url.Encode(_privateKey.D);
        return jwk.ToJsonString();
    }

    /// <summary>An ES256 signature in its JWS form: r and s as two 32-byte big-endian numbers.</summary>
    public byte[] Sign(ReadOnlySpan<byte> signingInput)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var ecdsa = _pool.Rent();
        try
        {
            return ecdsa.SignData(signingInput, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        }
        finally
        {
            _pool.Return(ecdsa);
        }
    }

    /// <summary>A fresh, caller-owned instance holding the private key, for libraries that want one (for instance a JWT writer).</summary>
    public ECDsa CreatePrivateAlgorithm()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return ECDsa.Create(_privateKey);
    }

    public void Dispose()
    {
        _disposed = true;
        _pool.Dispose();
        CryptographicOperations.ZeroMemory(_privateKey.D);
    }

    /// <remarks>
    /// File.Move without overwrite checks for the target and then renames on Unix, so two creators can both "win".
    /// An exclusive lock on a companion file (flock on Unix) makes check-and-create one step across processes.
    /// </remarks>
    private static FileStream AcquireCreatorLock(string lockPath)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            try
            {
                return new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                Thread.Sleep(TimeSpan.FromMilliseconds(10));
            }
        }
    }

    private static void WriteNewFile(string path, string contents)
    {
        // Written under a temporary name and renamed, so that a crash never leaves a half-written key behind.
        var temporaryPath = $"{path}.{Guid.NewGuid():N}.tmp";
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

        try
        {
            using (var stream = new FileStream(temporaryPath, options))
            {
                stream.Write(Encoding.UTF8.GetBytes(contents));
                stream.Flush(flushToDisk: true);
            }

            if (!OperatingSystem.IsWindows())
            {
                // The mode given at creation is narrowed by the umask; set it exactly (0600) in case the umask is unusual.
                File.SetUnixFileMode(temporaryPath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }

            File.Move(temporaryPath, path, overwrite: false);
        }
        finally
        {
            File.Delete(temporaryPath);
        }
    }
}
