using System.Text.Json.Nodes;
using Hl7.Fhir.Model;
using Microsoft.OpenApi;
using SendInterop.Gateway.OpenApi;

namespace SendInterop.Gateway.Sen2;

/// <summary>
/// The OpenAPI parts of the two SEN2 routes that the FHIR route documentation has no kind for: a plain-XML body and answer,
/// the export's query parameters, and the import report example. <see cref="FhirOperationFilter"/> calls these.
/// </summary>
internal static class Sen2OpenApi
{
    private const string XmlMediaType = "application/xml";

    /// <summary>A short, fictitious return (2026 layout, LA 926): one refused request.</summary>
    public const string ExampleReturn = """
        <?xml version="1.0" encoding="UTF-8"?>
        <Message>
          <Header>
            <CollectionDetails><Collection>SEN2</Collection><Year>2026</Year><ReferenceDate>2026-01-15</ReferenceDate></CollectionDetails>
            <Source><SourceLevel>L</SourceLevel><LEA>926</LEA><DMO>Y</DMO><DCO>Y</DCO></Source>
          </Header>
          <Persons>
            <Person>
              <Surname>Example</Surname><Forename>Alex</Forename><PersonBirthDate>2021-06-04</PersonBirthDate>
              <Sex>F</Sex><Ethnicity>WBRI</Ethnicity><PostCode>ZZ99 1ZZ</PostCode><UPNunknown>UN1</UPNunknown>
              <Requests>
                <ReceivedDate>2025-05-12</ReceivedDate><RequestSource>1</RequestSource>
                <RequestOutcomeDate>2025-06-20</RequestOutcomeDate><RequestOutcome>N</RequestOutcome>
              </Requests>
            </Person>
          </Persons>
        </Message>
        """;

    public static OpenApiRequestBody RequestBody() => new()
    {
        Description = "The SEN2 person-level return as DfE COLLECT takes it: plain XML (root Message, no namespace), streamed; "
            + "gzip Content-Encoding accepted. At most Sen2:MaxImportBytes (256 MiB by default).",
        Required = true,
        Content = new Dictionary<string, IOpenApiMediaType>
        {
            [XmlMediaType] = new OpenApiMediaType { Schema = new OpenApiSchema { Type = JsonSchemaType.String }, Example = ExampleReturn },
        },
    };

    public static OpenApiResponse ExportResponse(string description) => new()
    {
        Description = description,
        Headers = new Dictionary<string, IOpenApiHeader>
        {
            [Sen2ExportOperation.PersonsHeader] = Header("How many persons the return holds."),
            [Sen2ExportOperation.UnmappedCountHeader] = Header("How many children with this LA's SEN2 records could not be mapped (not in the file)."),
            [Sen2ExportOperation.UnmappedHeader] = Header("Those children: Patient/id and the SEN2 items missing (no personal data); capped at 4,000 characters."),
        },
        Content = new Dictionary<string, IOpenApiMediaType>
        {
            [XmlMediaType] = new OpenApiMediaType { Schema = new OpenApiSchema { Type = JsonSchemaType.String }, Example = ExampleReturn },
        },
    };

    /// <summary>Adds what the generic route documentation cannot: the export's query parameters, the import report example.</summary>
    public static void Complete(string endpointName, OpenApiOperation operation)
    {
        if (endpointName == Sen2Endpoints.ExportName)
        {
            var parameters = operation.Parameters ??= new List<IOpenApiParameter>();
            parameters.Add(Query("collection-year", "The collection year: the January of the census (e.g. 2026).", JsonSchemaType.Integer, 2026, required: true));
            parameters.Add(Query("reference-date", "The census day, YYYY-MM-DD, in January of collection-year.", JsonSchemaType.String, "2026-01-15", required: true));
            parameters.Add(Query("dmo", "Header DMO (designated medical officer): Y, N or R. Not held in the record, so stated here; left out if absent.", JsonSchemaType.String, "Y"));
            parameters.Add(Query("dco", "Header DCO (designated clinical officer): Y, N or R.", JsonSchemaType.String, "Y"));
        }

        if (endpointName == Sen2Endpoints.ImportName && operation.Responses?.TryGetValue("200", out var ok) == true
            && ok is OpenApiResponse { Content: { } content } && content.TryGetValue(OpenApi.FhirOpenApiComponents.FhirJson, out var json) && json is OpenApiMediaType media)
            media.Example = ExampleReport();
    }

    private static JsonNode ExampleReport()
    {
        var record = new Sen2RecordResult(1, 12, Sen2RecordStatus.Imported,
            [new Sen2WrittenResource("Patient", "8d1c2f7e-0b7a-4d55-9a53-1f2e3d4c5b6a", 1, true), new Sen2WrittenResource("ServiceRequest", "0f3e9a41-5c2b-4e7d-8f10-6a5b4c3d2e1f", 1, true)], []);
        var rejected = new Sen2RecordResult(2, 31, Sen2RecordStatus.Rejected, [],
            [new Sen2RecordProblem("/Message/Persons/Person[2]/Ethnicity", 37, 7, "InvalidCode", "Ethnicity is not a code of its list", "XXXX")]);
        var header = Domain.Sen2.Sen2Header.ForReturn(Domain.Identifiers.LaCode.Parse("926"), 2026, new DateOnly(2026, 1, 15));
        Parameters report = new Sen2ImportReport(header, [record, rejected], [], null).ToParameters();
        return FhirOpenApiExamples.ToJson(report);
    }

    private static OpenApiParameter Query(string name, string description, JsonSchemaType type, JsonNode example, bool required = false) =>
        new() { Name = name, In = ParameterLocation.Query, Description = description, Required = required, Schema = new OpenApiSchema { Type = type }, Example = example };

    private static OpenApiHeader Header(string description) => new() { Description = description, Schema = new OpenApiSchema { Type = JsonSchemaType.String } };
}
