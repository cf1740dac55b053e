using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace SendInterop.Cli;

/// <summary>
/// A client's key pair: made here (ES384 on P-384, or RS384 on RSA 3072), saved as a private JWK (mode 600), or read
/// back from that JWK or from a PKCS#8/SEC1/PKCS#1 PEM file. Its kid is the RFC 7638 thumbprint of the public key.
/// </summary>
public sealed class ClientKey : IDisposable
{
    private ClientKey(AsymmetricAlgorithm key, string alg, string kid)
    {
        Key = key;
        Alg = alg;
        Kid = kid;
    }

    public AsymmetricAlgorithm Key { get; }
    /// <summary>ES384 or RS384 (RS512 when a JWK says so).</summary>
    public string Alg { get; }
    public string Kid { get; }

    public static ClientKey Generate(string alg) => alg switch
    {
        "ES384" => FromKey(ECDsa.Create(ECCurve.NamedCurves.nistP384), "ES384", null),
        "RS384" => FromKey(RSA.Create(3072), "RS384", null),
        _ => throw new ArgumentException($"--alg must be ES384 or RS384, not {alg}"),
    };

    /// <summary>Reads a private key file: a JWK (as written by <see cref="Save"/>) or a PEM.</summary>
    public static ClientKey Load(string path, string? kid = null, string? alg = null)
    {
        var text = File.ReadAllText(path).Trim();
        if (text.StartsWith('{'))
        {
            var jwk = JsonNode.Parse(text)!.AsObject();
            string? S(string name) => jwk[name]?.GetValue<string>();
            byte[]? B(string name) => S(name) is { } v ? Base64Url.Decode(v) : null;
            if (S("d") is null) throw new InvalidDataException($"{path} holds no private key (no \"d\").");
            AsymmetricAlgorithm key = S("kty") switch
            {
                "EC" => ECDsa.Create(new ECParameters
                {
                    Curve = S("crv") == "P-384" ? ECCurve.NamedCurves.nistP384 : throw new InvalidDataException("EC keys must be P-384 (ES384)."),
                    Q = new ECPoint { X = B("x"), Y = B("y") },
                    D = B("d"),
                }),
                "RSA" => ImportRsa(new RSAParameters
                {
                    Modulus = B("n"), Exponent = B("e"), D = B("d"), P = B("p"), Q = B("q"), DP = B("dp"), DQ = B("dq"), InverseQ = B("qi"),
                }),
                _ => throw new InvalidDataException($"{path}: kty must be EC or RSA."),
            };
            return FromKey(key, alg ?? S("alg") ?? (key is ECDsa ? "ES384" : "RS384"), kid ?? S("kid"));
        }
        if (text.Contains("-----BEGIN", StringComparison.Ordinal))
        {
            AsymmetricAlgorithm key;
            if (text.Contains("EC PRIVATE KEY", StringComparison.Ordinal) || IsEc(text))
            {
                var ec = ECDsa.Create();
                ec.ImportFromPem(text);
                key = ec;
            }
            else
            {
                var rsa = RSA.Create();
                rsa.ImportFromPem(text);
                key = rsa;
            }
            return FromKey(key, alg ?? (key is ECDsa ? "ES384" : "RS384"), kid);
        }
        throw new InvalidDataException($"{path} is neither a JWK nor a PEM private key.");
    }

    /// <summary>Writes the private JWK with owner-only permissions; refuses to overwrite unless asked.</summary>
    public void Save(string path, bool overwrite)
    {
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        if (File.Exists(full) && !overwrite) throw new IOException($"{full} exists; pass --force to overwrite it.");
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using (var stream = new FileStream(full, options))
            stream.Write(Encoding.UTF8.GetBytes(PrivateJwk().ToJsonString(new JsonSerializerOptions { WriteIndented = true })));
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(full, UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }

    /// <summary>The public JWK to register: kty, kid, use, alg and the public members only.</summary>
    public JsonObject PublicJwk()
    {
        var jwk = new JsonObject();
        switch (Key)
        {
            case ECDsa ec:
            {
                var p = ec.ExportParameters(false);
                jwk["kty"] = "EC"; jwk["crv"] = "P-384"; jwk["x"] = Base64Url.Encode(p.Q.X!); jwk["y"] = Base64Url.Encode(p.Q.Y!);
                break;
            }
            case RSA rsa:
            {
                var p = rsa.ExportParameters(false);
                jwk["kty"] = "RSA"; jwk["n"] = Base64Url.Encode(p.Modulus!); jwk["e"] = Base64Url.Encode(p.Exponent!);
                break;
            }
        }
        jwk["kid"] = Kid;
        jwk["use"] = "sig";
        jwk["alg"] = Alg;
        return jwk;
    }

    private JsonObject PrivateJwk()
    {
        var jwk = PublicJwk();
        switch (Key)
        {
            case ECDsa ec:
                jwk["d"] = Base64Url.Encode(ec.ExportParameters(true).D!);
                break;
            case RSA rsa:
            {
                var p = rsa.ExportParameters(true);
                jwk["d"] = Base64Url.Encode(p.D!); jwk["p"] = Base64Url.Encode(p.P!); jwk["q"] = Base64Url.Encode(p.Q!);
                jwk["dp"] = Base64Url.Encode(p.DP!); jwk["dq"] = Base64Url.Encode(p.DQ!); jwk["qi"] = Base64Url.Encode(p.InverseQ!);
                break;
            }
        }
        return jwk;
    }

    /// <summary>Signs a JWS (compact serialisation) over the given header and claims.</summary>
    public string Sign(JsonObject header, JsonObject claims)
    {
        var input = Base64Url.Encode(Encoding.UTF8.GetBytes(header.ToJsonString())) + "." + Base64Url.Encode(Encoding.UTF8.GetBytes(claims.ToJsonString()));
        var data = Encoding.ASCII.GetBytes(input);
        var hash = Alg[2..] switch { "512" => HashAlgorithmName.SHA512, _ => HashAlgorithmName.SHA384 };
        var signature = Key switch
        {
            ECDsa ec => ec.SignData(data, hash, DSASignatureFormat.IeeeP1363FixedFieldConcatenation),
            RSA rsa => rsa.SignData(data, hash, RSASignaturePadding.Pkcs1),
            _ => throw new InvalidOperationException(),
        };
        return input + "." + Base64Url.Encode(signature);
    }

    public void Dispose() => Key.Dispose();

    private static ClientKey FromKey(AsymmetricAlgorithm key, string alg, string? kid)
    {
        if (key is ECDsa ec && ec.KeySize != 384) throw new InvalidDataException("EC keys must be P-384 (ES384).");
        if (key is RSA rsa && rsa.KeySize < 2048) throw new InvalidDataException("RSA keys must be at least 2048 bits.");
        if (alg is not ("ES384" or "RS384" or "RS512") || (key is ECDsa) != (alg == "ES384"))
            throw new InvalidDataException($"alg {alg} does not fit the key (ES384 for P-384; RS384 or RS512 for RSA).");
        return new ClientKey(key, alg, kid ?? Thumbprint(key));
    }

    private static RSA ImportRsa(RSAParameters parameters)
    {
        var rsa = RSA.Create();
        rsa.ImportParameters(parameters);
        return rsa;
    }

    private static bool IsEc(string pem)
    {
        try
        {
            using var ec = ECDsa.Create();
            ec.ImportFromPem(pem);
            return true;
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
            return false;
        }
    }

    /// <summary>RFC 7638 thumbprint (SHA-256, base64url): the same kid the gateway computes.</summary>
    private static string Thumbprint(AsymmetricAlgorithm key)
    {
        var canonical = key switch
        {
            ECDsa ec => $"{{\"crv\":\"P-384\",\"kty\":\"EC\",\"x\":\"{Base64Url.Encode(ec.ExportParameters(false).Q.X!)}\",\"y\":\"{Base64Url.Encode(ec.ExportParameters(false).Q.Y!)}\"}}",
            RSA rsa => $"{{\"e\":\"{Base64Url.Encode(rsa.ExportParameters(false).Exponent!)}\",\"kty\":\"RSA\",\"n\":\"{Base64Url.Encode(rsa.ExportParameters(false).Modulus!)}\"}}",
            _ => throw new InvalidOperationException(),
        };
        return Base64Url.Encode(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));
    }
}

internal static class Base64Url
{
    public static string Encode(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static byte[] Decode(string text)
    {
        var s = text.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(s.PadRight(s.Length + (4 - s.Length % 4) % 4, '='));
    }
}
