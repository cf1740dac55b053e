using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using SendInterop.Domain.Access;
using SendInterop.Domain.Access.Gate;

namespace SendInterop.Cli;

public sealed record RegisterArgs(
    string ClientId, string Organisation, string Agency, string Scopes, string Purposes, string? Role, string? Name,
    string Registry, string KeyOut, string Alg = "ES384", bool Force = false);

public sealed record AssertionArgs(string ClientId, string Key, string TokenUrl, int LifetimeSeconds = 240);

public sealed record TokenArgs(string ClientId, string Key, string Url, string? Scope = null, string? TokenUrl = null, bool Curl = false, bool Json = false);

/// <summary>
/// What each command does, apart from parsing its arguments: so tests run them in-process with their own writers.
/// Each returns the process exit code (0 success, 1 refused or failed, 2 bad arguments).
/// </summary>
public static class Commands
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>Makes a key pair, saves the private key, and adds the client with its public key to the gateway's registry file.</summary>
    public static int Register(RegisterArgs a, TextWriter output, TextWriter error)
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(a.ClientId) || a.ClientId.Any(char.IsWhiteSpace)) problems.Add("--client-id must be one word");
        if (!Agencies.All.Contains(a.Agency)) problems.Add($"--agency must be one of {string.Join(", ", Agencies.All.Order())}");
        var scopes = SmartScopeParser.ParseMany(a.Scopes);
        if (scopes.HasErrors) problems.Add("--scopes: " + string.Join("; ", scopes.Errors));
        if (scopes.ResourceScopes.Count == 0) problems.Add("--scopes must name at least one resource scope, e.g. system/*.rs");
        var purposes = Split(a.Purposes);
        foreach (var p in purposes.Where(p => !PurposesOfUse.All.Contains(p)))
            problems.Add($"--purposes: '{p}' is not one of {string.Join(", ", PurposesOfUse.All.Order())}");
        if (purposes.Count == 0) problems.Add("--purposes must name at least one purpose of use");
        if (problems.Count > 0)
        {
            foreach (var p in problems) error.WriteLine("register: " + p);
            return 2;
        }

        using var key = ClientKey.Generate(a.Alg);
        var client = new JsonObject
        {
            ["client_id"] = a.ClientId,
            ["client_name"] = a.Name ?? a.ClientId,
            ["organisation"] = a.Organisation,
            ["agency"] = a.Agency,
            ["scope"] = scopes.ToString(),
            ["purposes"] = new JsonArray(purposes.Select(p => (JsonNode)JsonValue.Create(p)!).ToArray()),
        };
        if (a.Role is not null) client["role"] = a.Role;
        client["jwks"] = new JsonObject { ["keys"] = new JsonArray(key.PublicJwk()) };
        try
        {
            key.Save(a.KeyOut, overwrite: a.Force);
        }
        catch (IOException e)
        {
            error.WriteLine("register: " + e.Message);
            return 1;
        }
        try
        {
            RegistryFile.Add(a.Registry, client, replace: a.Force);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or JsonException)
        {
            File.Delete(a.KeyOut); // a key nobody registered is of no use
            error.WriteLine("register: " + e.Message);
            return 1;
        }
        output.WriteLine($"Registered {a.ClientId} ({a.Organisation}, {a.Agency}) in {Path.GetFullPath(a.Registry)}");
        output.WriteLine($"Private key ({key.Alg}, kid {key.Kid}) written to {Path.GetFullPath(a.KeyOut)}: keep it secret.");
        return 0;
    }

    /// <summary>Prints a signed client assertion for the token endpoint.</summary>
    public static int Assertion(AssertionArgs a, TextWriter output, TextWriter error)
    {
        if (a.LifetimeSeconds is < 10 or > 300)
        {
            error.WriteLine("assertion: --lifetime must be 10-300 seconds (the gateway refuses assertions valid for more than 5 minutes)");
            return 2;
        }
        try
        {
            using var key = ClientKey.Load(a.Key);
            output.WriteLine(MakeAssertion(key, a.ClientId, a.TokenUrl, TimeSpan.FromSeconds(a.LifetimeSeconds)));
            return 0;
        }
        catch (Exception e) when (e is IOException or InvalidDataException or JsonException or FormatException or System.Security.Cryptography.CryptographicException)
        {
            error.WriteLine("assertion: " + e.Message);
            return 1;
        }
    }

    /// <summary>Mints an assertion, posts it to the token endpoint and prints the access token (or the response, or a curl line).</summary>
    public static async Task<int> TokenAsync(TokenArgs a, TextWriter output, TextWriter error, HttpClient? http = null, CancellationToken ct = default)
    {
        var disposeHttp = http is null;
        http ??= new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        try
        {
            using var key = ClientKey.Load(a.Key);
            var baseUrl = a.Url.TrimEnd('/');
            var tokenUrl = a.TokenUrl ?? await DiscoverTokenEndpointAsync(http, baseUrl, ct) ?? baseUrl + "/auth/token";
            var form = new List<KeyValuePair<string, string>>
            {
                new("grant_type", "client_credentials"),
                new("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"),
                new("client_assertion", MakeAssertion(key, a.ClientId, tokenUrl, TimeSpan.FromMinutes(4))),
            };
            if (!string.IsNullOrWhiteSpace(a.Scope)) form.Add(new("scope", a.Scope));
            using var response = await http.PostAsync(tokenUrl, new FormUrlEncodedContent(form), ct);
            var body = await response.Content.ReadAsStringAsync(ct);
            JsonObject? json = null;
            try { json = JsonNode.Parse(body) as JsonObject; } catch (JsonException) { }
            if (!response.IsSuccessStatusCode || json?["access_token"] is null)
            {
                error.WriteLine($"token: {tokenUrl} answered {(int)response.StatusCode}: {body}");
                return 1;
            }
            var token = json["access_token"]!.GetValue<string>();
            if (a.Json) output.WriteLine(json.ToJsonString(Indented));
            else if (a.Curl) output.WriteLine($"curl -H 'Authorization: Bearer {token}' -H 'Accept: application/fhir+json' '{baseUrl}/fhir/Patient?_count=10'");
            else output.WriteLine(token);
            return 0;
        }
        catch (Exception e) when (e is IOException or InvalidDataException or JsonException or FormatException or HttpRequestException
            or TaskCanceledException or System.Security.Cryptography.CryptographicException)
        {
            error.WriteLine("token: " + e.Message);
            return 1;
        }
        finally
        {
            if (disposeHttp) http.Dispose();
        }
    }

    internal static string MakeAssertion(ClientKey key, string clientId, string tokenUrl, TimeSpan lifetime)
    {
        var now = DateTimeOffset.UtcNow;
        return key.Sign(
            new JsonObject { ["alg"] = key.Alg, ["typ"] = "JWT", ["kid"] = key.Kid },
            new JsonObject
            {
                ["iss"] = clientId, ["sub"] = clientId, ["aud"] = tokenUrl,
                ["iat"] = now.ToUnixTimeSeconds(), ["exp"] = (now + lifetime).ToUnixTimeSeconds(),
                ["jti"] = Guid.NewGuid().ToString("N"),
            });
    }

    private static async Task<string?> DiscoverTokenEndpointAsync(HttpClient http, string baseUrl, CancellationToken ct)
    {
        try
        {
            var config = await http.GetFromJsonAsync<JsonObject>(baseUrl + "/.well-known/smart-configuration", ct);
            return config?["token_endpoint"]?.GetValue<string>();
        }
        catch (Exception e) when (e is HttpRequestException or JsonException or NotSupportedException)
        {
            return null;
        }
    }

    private static List<string> Split(string text) =>
        text.Split([' ', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct().ToList();
}
