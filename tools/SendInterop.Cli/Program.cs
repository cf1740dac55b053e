using System.CommandLine;

namespace SendInterop.Cli;

/// <summary>
/// sendinterop: register a system client with the gateway and get access tokens (SMART Backend Services).
/// <code>
/// sendinterop register --client-id la-926-cms --org la-926 --agency education --scopes "system/*.rs" \
///     --purposes "ehc-assessment direct-care" --registry src/SendInterop.Gateway/sendinterop-clients.json --key-out la-926-cms.jwk
/// sendinterop token --client-id la-926-cms --key la-926-cms.jwk --url http://127.0.0.1:5080
/// </code>
/// </summary>
public static class Program
{
    public static Task<int> Main(string[] args) => RunAsync(args, Console.Out, Console.Error);

    public static Task<int> RunAsync(string[] args, TextWriter output, TextWriter error) =>
        Build(output, error).Parse(args).InvokeAsync(new InvocationConfiguration { Output = output, Error = error });

    public static RootCommand Build(TextWriter output, TextWriter error)
    {
        Option<string> clientId = new("--client-id") { Description = "The client's id (the assertion's iss and sub)", Required = true };

        Option<string> org = new("--org") { Description = "The client's organisation: la-926, ods-RGN, school-123456", Required = true };
        Option<string> agency = new("--agency") { Description = "education, social-care or health", Required = true };
        Option<string> scopes = new("--scopes") { Description = "SMART v2 scopes the client may get, space-separated (e.g. \"system/*.rs\")", Required = true };
        Option<string> purposes = new("--purposes") { Description = "Purposes of use the client may claim (e.g. \"ehc-assessment direct-care\")", Required = true };
        Option<string?> role = new("--role") { Description = "Optional role (e.g. sen-caseworker, senco, clinician; ig-lead may run AuditEvent/$verify)" };
        Option<string?> name = new("--name") { Description = "A display name (default: the client id)" };
        Option<string> registry = new("--registry") { Description = "The gateway's client registry file (Auth:ClientRegistryFile)", Required = true };
        Option<string> keyOut = new("--key-out") { Description = "Where to write the private key (JWK, mode 600)", Required = true };
        Option<string> alg = new("--alg") { Description = "ES384 (default) or RS384", DefaultValueFactory = _ => "ES384" };
        Option<bool> force = new("--force") { Description = "Replace an existing registration and key file" };
        var register = new Command("register", "Make a key pair and register the client's public key in the gateway's registry file")
        {
            clientId, org, agency, scopes, purposes, role, name, registry, keyOut, alg, force,
        };
        register.SetAction(r => Commands.Register(new RegisterArgs(
            r.GetValue(clientId)!, r.GetValue(org)!, r.GetValue(agency)!, r.GetValue(scopes)!, r.GetValue(purposes)!,
            r.GetValue(role), r.GetValue(name), r.GetValue(registry)!, r.GetValue(keyOut)!, r.GetValue(alg)!, r.GetValue(force)), output, error));

        Option<string> key = new("--key") { Description = "The private key file (JWK from register, or PEM)", Required = true };
        Option<string> tokenUrl = new("--token-url") { Description = "The token endpoint (the assertion's aud), e.g. http://127.0.0.1:5080/auth/token", Required = true };
        Option<int> lifetime = new("--lifetime") { Description = "Seconds until the assertion expires (10-300)", DefaultValueFactory = _ => 240 };
        var assertion = new Command("assertion", "Print a signed client assertion (private_key_jwt)") { clientId, key, tokenUrl, lifetime };
        assertion.SetAction(r => Commands.Assertion(new AssertionArgs(r.GetValue(clientId)!, r.GetValue(key)!, r.GetValue(tokenUrl)!, r.GetValue(lifetime)), output, error));

        Option<string> url = new("--url") { Description = "The gateway's base URL", DefaultValueFactory = _ => "http://127.0.0.1:5080" };
        Option<string?> scope = new("--scope") { Description = "Scopes to request (default: all registered)" };
        Option<string?> tokenUrlOptional = new("--token-url") { Description = "The token endpoint (default: from the gateway's smart-configuration)" };
        Option<bool> curl = new("--curl") { Description = "Print a ready curl command instead of the bare token" };
        Option<bool> json = new("--json") { Description = "Print the whole token response" };
        var token = new Command("token", "Get an access token: mint an assertion and post it to the token endpoint")
        {
            clientId, key, url, scope, tokenUrlOptional, curl, json,
        };
        token.SetAction((r, ct) => Commands.TokenAsync(new TokenArgs(
            r.GetValue(clientId)!, r.GetValue(key)!, r.GetValue(url)!, r.GetValue(scope), r.GetValue(tokenUrlOptional), r.GetValue(curl), r.GetValue(json)),
            output, error, ct: ct));

        return new RootCommand("SendInterop: register system clients and get access tokens (SMART Backend Services)") { register, assertion, token };
    }
}
