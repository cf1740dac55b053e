using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.IdentityModel.Tokens;

namespace SendInterop.Gateway.Security.Authentication;

/// <summary>
/// One JSON Web Key (RFC 7517) of the two kinds the gateway uses, RSA and EC, as it appears in a JWKS, a client
/// registration, or the gateway's own key file (which adds the private members and <see cref="Created"/>).
/// </summary>
public sealed class Jwk
{
    [JsonPropertyName("kty")] public string? Kty { get; set; }
    [JsonPropertyName("kid")] public string? Kid { get; set; }
    [JsonPropertyName("use")] public string? Use { get; set; }
    [JsonPropertyName("alg")] public string? Alg { get; set; }
    [JsonPropertyName("n")] public string? N { get; set; }
    [JsonPropertyName("e")] public string? E { get; set; }
    [JsonPropertyName("crv")] public string? Crv { get; set; }
    [JsonPropertyName("x")] public string? X { get; set; }
    [JsonPropertyName("y")] public string? Y { get; set; }
    [JsonPropertyName("d")] public string? D { get; set; }
    [JsonPropertyName("p")] public string? P { get; set; }
    [JsonPropertyName("q")] public string? Q { get; set; }
    [JsonPropertyName("dp")] public string? DP { get; set; }
    [JsonPropertyName("dq")] public string? DQ { get; set; }
    [JsonPropertyName("qi")] public string? QI { get; set; }

    /// <summary>When the key was made (the gateway's key file only: the newest key signs).</summary>
    [JsonPropertyName("created")] public DateTimeOffset? Created { get; set; }

    [JsonIgnore] public bool HasPrivateParts => D is not null || P is not null || Q is not null || DP is not null || DQ is not null || QI is not null;

    /// <summary>The public members only (no private parts, no <see cref="Created"/>).</summary>
    public Jwk ToPublic() => new() { Kty = Kty, Kid = Kid, Use = Use, Alg = Alg, N = N, E = E, Crv = Crv, X = X, Y = Y };

    /// <summary>Builds the key for IdentityModel; null with a reason when the JWK is not a usable RSA or EC P-256/384/521 key.</summary>
    public SecurityKey? ToSecurityKey(out string problem)
    {
        problem = "";
        try
        {
            switch (Kty)
            {
                case "RSA" when N is not null && E is not null:
                {
                    var parameters = new RSAParameters { Modulus = Base64UrlEncoder.DecodeBytes(N), Exponent = Base64UrlEncoder.DecodeBytes(E) };
                    if (D is not null)
                    {
                        parameters.D = Base64UrlEncoder.DecodeBytes(D);
                        parameters.P = Base64UrlEncoder.DecodeBytes(P);
                        parameters.Q = Base64UrlEncoder.DecodeBytes(Q);
                        parameters.DP = Base64UrlEncoder.DecodeBytes(DP);
                        parameters.DQ = Base64UrlEncoder.DecodeBytes(DQ);
                        parameters.InverseQ = Base64UrlEncoder.DecodeBytes(QI);
                    }
                    var rsa = RSA.Create();
                    rsa.ImportParameters(parameters);
                    if (rsa.KeySize < 2048) return Fail($"RSA key '{Kid}' is {rsa.KeySize} bits; at least 2048 are required", out problem);
                    return new RsaSecurityKey(rsa) { KeyId = Kid };
                }
                case "EC" when X is not null && Y is not null:
                {
                    var curve = Crv switch
                    {
                        "P-256" => ECCurve.NamedCurves.nistP256,
                        "P-384" => ECCurve.NamedCurves.nistP384,
                        "P-521" => ECCurve.NamedCurves.nistP521,
                        _ => (ECCurve?)null,
                    };
                    if (curve is null) return Fail($"EC key '{Kid}' has unsupported curve '{Crv}'", out problem);
                    var parameters = new ECParameters
                    {
                        Curve = curve.Value,
                        Q = new ECPoint { X = Base64UrlEncoder.DecodeBytes(X), Y = Base64UrlEncoder.DecodeBytes(Y) },
                        D = D is null ? null : Base64UrlEncoder.DecodeBytes(D),
                    };
                    var ec = ECDsa.Create(parameters);
                    return new ECDsaSecurityKey(ec) { KeyId = Kid };
                }
                default:
                    return Fail($"key '{Kid}' is not an RSA (n, e) or EC (crv, x, y) key", out problem);
            }
        }
        catch (Exception e) when (e is CryptographicException or FormatException or ArgumentException)
        {
            return Fail($"key '{Kid}' could not be read: {e.GetType().Name}", out problem);
        }
    }

    /// <summary>The RFC 7638 thumbprint (SHA-256, base64url) of the public key: a stable kid.</summary>
    public string Thumbprint()
    {
        var canonical = Kty == "EC"
            ? $"{{\"crv\":\"{Crv}\",\"kty\":\"EC\",\"x\":\"{X}\",\"y\":\"{Y}\"}}"
            : $"{{\"e\":\"{E}\",\"kty\":\"RSA\",\"n\":\"{N}\"}}";
        return Base64UrlEncoder.Encode(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));
    }

    /// <summary>A new RSA key pair (private JWK) with its thumbprint as kid.</summary>
    public static Jwk NewRsa(string alg, int bits, DateTimeOffset created)
    {
        using var rsa = RSA.Create(bits);
        var p = rsa.ExportParameters(includePrivateParameters: true);
        var jwk = new Jwk
        {
            Kty = "RSA", Use = "sig", Alg = alg, Created = created,
            N = Base64UrlEncoder.Encode(p.Modulus), E = Base64UrlEncoder.Encode(p.Exponent),
            D = Base64UrlEncoder.Encode(p.D), P = Base64UrlEncoder.Encode(p.P), Q = Base64UrlEncoder.Encode(p.Q),
            DP = Base64UrlEncoder.Encode(p.DP), DQ = Base64UrlEncoder.Encode(p.DQ), QI = Base64UrlEncoder.Encode(p.InverseQ),
        };
        jwk.Kid = jwk.Thumbprint();
        return jwk;
    }

    /// <summary>A new EC P-384 key pair (private JWK, ES384) with its thumbprint as kid.</summary>
    public static Jwk NewEcP384(DateTimeOffset created)
    {
        using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        var p = ec.ExportParameters(includePrivateParameters: true);
        var jwk = new Jwk
        {
            Kty = "EC", Crv = "P-384", Use = "sig", Alg = SecurityAlgorithms.EcdsaSha384, Created = created,
            X = Base64UrlEncoder.Encode(p.Q.X), Y = Base64UrlEncoder.Encode(p.Q.Y), D = Base64UrlEncoder.Encode(p.D),
        };
        jwk.Kid = jwk.Thumbprint();
        return jwk;
    }

    private static SecurityKey? Fail(string message, out string problem)
    {
        problem = message;
        return null;
    }
}

/// <summary>A JWK Set: <c>{"keys": [...]}</c>.</summary>
public sealed class JwkSet
{
    [JsonPropertyName("keys")] public List<Jwk> Keys { get; set; } = [];

    public static readonly JsonSerializerOptions JsonOptions = new()
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        WriteIndented = true,
    };

    public static JwkSet Parse(string json) =>
        JsonSerializer.Deserialize<JwkSet>(json, JsonOptions) ?? throw new JsonException("The JWKS is empty.");
}
