using System.Text;
using Hl7.Fhir.Model;
using SendInterop.Gateway.Fhir.Errors;
using SendInterop.Gateway.Fhir.Http;
using SendInterop.Gateway.Fhir.Patch;

namespace SendInterop.Gateway.Tests.Patch;

/// <summary>Stored resources, PATCH requests and FHIRPath Patch operations for the patch specifications.</summary>
internal static class PatchTestSupport
{
    public const string PatientJson = """
        {
          "resourceType": "Patient",
          "id": "1",
          "identifier": [
            { "system": "x", "value": "111" },
            { "system": "y", "value": "222" }
          ],
          "active": true,
          "name": [ { "family": "Smith", "given": [ "Ann", "Beth" ] } ],
          "telecom": [ { "system": "phone", "value": "0100" } ],
          "gender": "female",
          "birthDate": "1970-01-01"
        }
        """;

    public const string CarePlanJson = """
        {
          "resourceType": "CarePlan",
          "id": "cp1",
          "status": "active",
          "intent": "plan",
          "subject": { "reference": "Patient/1" },
          "activity": [
            { "detail": { "status": "scheduled", "description": "first" } },
            { "detail": { "status": "scheduled", "description": "second" } },
            { "detail": { "status": "not-started", "description": "third" } }
          ]
        }
        """;

    private static readonly FhirSerialization Serialization = new();

    public static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    public static FhirRequest Request(string contentType, byte[]? rawBody = null, Resource? resource = null, string url = "Patient/1") => new()
    {
        Method = "PATCH",
        Url = Fhir.Http.FhirUrl.Parse(url),
        BaseUrl = "http://localhost/fhir",
        Access = Gateway.Security.Access.AccessSession.Internal("patch-unit-test"),
        ContentType = contentType,
        RawBody = rawBody,
        Resource = resource,
    };

    public static Resource Apply(string storedJson, FhirRequest request)
    {
        var type = Serialization.ParseStored(Bytes(storedJson)).TypeName;
        return new PatchApplier(Serialization).Apply(Bytes(storedJson), type, request);
    }

    public static Patient JsonPatch(string patchDocument) =>
        (Patient)Apply(PatientJson, Request("application/json-patch+json", Bytes(patchDocument)));

    public static FhirException JsonPatchFails(string patchDocument, string storedJson = PatientJson) =>
        Assert.Throws<FhirException>(() => Apply(storedJson, Request("application/json-patch+json", Bytes(patchDocument))));

    public static T FhirPathPatch<T>(string storedJson, params Parameters.ParameterComponent[] operations) where T : Resource =>
        (T)Apply(storedJson, Request("application/fhir+json", resource: PatchOf(operations)));

    public static Patient FhirPathPatch(params Parameters.ParameterComponent[] operations) => FhirPathPatch<Patient>(PatientJson, operations);

    public static FhirException FhirPathPatchFails(params Parameters.ParameterComponent[] operations) =>
        FhirPathPatchFailsOn(PatientJson, operations);

    public static FhirException FhirPathPatchFailsOn(string storedJson, params Parameters.ParameterComponent[] operations) =>
        Assert.Throws<FhirException>(() => Apply(storedJson, Request("application/fhir+json", resource: PatchOf(operations))));

    public static Parameters PatchOf(params Parameters.ParameterComponent[] operations)
    {
        var parameters = new Parameters();
        parameters.Parameter.AddRange(operations);
        return parameters;
    }

    /// <summary>One "operation" parameter; <paramref name="value"/> is a value[x] or, for complex values, <paramref name="valueParts"/>.</summary>
    public static Parameters.ParameterComponent Op(
        string type, string path, string? name = null, DataType? value = null, int? index = null, int? source = null,
        int? destination = null, Parameters.ParameterComponent[]? valueParts = null)
    {
        var op = new Parameters.ParameterComponent { Name = "operation" };
        op.Part.Add(new() { Name = "type", Value = new Code(type) });
        op.Part.Add(new() { Name = "path", Value = new FhirString(path) });
        if (name is not null) op.Part.Add(new() { Name = "name", Value = new FhirString(name) });
        if (value is not null) op.Part.Add(new() { Name = "value", Value = value });
        if (valueParts is not null)
        {
            var part = new Parameters.ParameterComponent { Name = "value" };
            part.Part.AddRange(valueParts);
            op.Part.Add(part);
        }
        if (index is not null) op.Part.Add(new() { Name = "index", Value = new Integer(index) });
        if (source is not null) op.Part.Add(new() { Name = "source", Value = new Integer(source) });
        if (destination is not null) op.Part.Add(new() { Name = "destination", Value = new Integer(destination) });
        return op;
    }

    /// <summary>A named part of a complex value, e.g. Part("system", new Code("phone")).</summary>
    public static Parameters.ParameterComponent Part(string name, DataType value) => new() { Name = name, Value = value };

    public static Parameters.ParameterComponent Part(string name, params Parameters.ParameterComponent[] parts)
    {
        var part = new Parameters.ParameterComponent { Name = name };
        part.Part.AddRange(parts);
        return part;
    }
}
