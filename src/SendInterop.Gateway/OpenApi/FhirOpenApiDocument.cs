using Microsoft.OpenApi;

namespace SendInterop.Gateway.OpenApi;

/// <summary>Name, title, location and description of the FHIR OpenAPI document.</summary>
public static class FhirOpenApiDocument
{
    /// <summary>The Swashbuckle document name (the CLI's swaggerdoc argument) and info.version.</summary>
    public const string Name = "v1";

    /// <summary>info.title, also the title of the Swagger UI page.</summary>
    public const string Title = "SendInterop FHIR R4 gateway";

    /// <summary>Swagger UI is at /swagger.</summary>
    public const string UiRoutePrefix = "swagger";

    /// <summary>Where the running gateway serves the document.</summary>
    public const string Path = "/swagger/" + Name + "/swagger.json";

    /// <summary>The OpenAPI version served; the CLI's default, so the served and the generated document are the same.</summary>
    public const OpenApiSpecVersion SpecVersion = OpenApiSpecVersion.OpenApi3_0;

    /// <summary>info.description: what the gateway is.</summary>
    public const string Description =
        "The FHIR R4 API of SendInterop, the interoperability gateway for children and young people aged 0-25 with special "
        + "educational needs and disabilities (SEND) in England. Local authorities, NHS providers and schools use it to share one "
        + "record of a child: the Education, Health and Care (EHC) plan, its outcomes and provision, needs, statutory timeline and "
        + "consents.\n\n"
        + "Every route is a standard FHIR RESTful interaction (http://hl7.org/fhir/R4/http.html) on the base URL `/fhir`, for every "
        + "R4 resource type; `/fhir/metadata` is the CapabilityStatement with the interactions and search parameters each type "
        + "supports. Bodies are FHIR JSON (`application/fhir+json`, the default) or XML (`application/fhir+xml`); every error is "
        + "an OperationOutcome. Resources are versioned: ETag carries the version for If-Match, and history keeps every version.\n\n"
        + "Patient, CarePlan, Goal and Condition are validated on write against the SEND profiles (canonical base "
        + "https://fhir.sendinterop.org.uk; the child, the EHC plan, outcomes and needs), and references must point at resources "
        + "that exist. The examples conform to those profiles and use NHS numbers from the 999 test range.";
}
