using Hl7.Fhir.Model;
using Microsoft.Extensions.Options;
using SendInterop.Gateway.Fhir.Http;

namespace SendInterop.Gateway.Security.Authentication;

/// <summary>The CapabilityStatement's <c>rest.security</c>: SMART-on-FHIR with the oauth-uris extension naming the token endpoint.</summary>
public sealed class SmartCapabilitySecurity(IOptions<AuthOptions> options)
{
    public const string OAuthUrisExtension = "http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris";

    /// <param name="fhirBaseUrl">The FHIR base URL of the request (<c>.../fhir</c>).</param>
    public CapabilityStatement.SecurityComponent For(string fhirBaseUrl)
    {
        var requestBase = fhirBaseUrl.EndsWith(FhirHttpHandler.BasePath, StringComparison.Ordinal) ? fhirBaseUrl[..^FhirHttpHandler.BasePath.Length] : fhirBaseUrl;
        var urls = GatewayUrls.For(requestBase, options.Value);
        var oauth = new Extension { Url = OAuthUrisExtension };
        oauth.Extension.Add(new Extension("token", new FhirUri(urls.TokenEndpoint)));
        var security = new CapabilityStatement.SecurityComponent
        {
            Cors = false,
            Service = [new CodeableConcept("http://terminology.hl7.org/CodeSystem/restful-security-service", "SMART-on-FHIR", "SMART-on-FHIR")],
            Description = "SMART Backend Services: client_credentials with a private_key_jwt client assertion (RS384, RS512 or ES384) at "
                + urls.TokenEndpoint + "; send the access token as Authorization: Bearer. Discovery: " + urls.SmartConfiguration + ".",
        };
        security.Extension.Add(oauth);
        return security;
    }
}
