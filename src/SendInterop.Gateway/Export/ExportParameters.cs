using Hl7.Fhir.Model;
using SendInterop.Gateway.Fhir.Errors;
using SendInterop.Gateway.Fhir.Interactions;

namespace SendInterop.Gateway.Export;

/// <summary>
/// A kick-off's parameters, from the query of a GET or the Parameters body of a POST (Bulk Data v2), as name and value
/// pairs in the order given, plus the <c>patient</c> references a POST may carry (Patient and Group exports only).
/// </summary>
public sealed record ExportParameters(IReadOnlyList<KeyValuePair<string, string>> Values, IReadOnlyList<string> PatientIds)
{
    /// <summary>At most this many <c>patient</c> references in one kick-off.</summary>
    public const int MaxPatients = 10_000;

    public ILookup<string, string> ByName => Values.ToLookup(v => v.Key, v => v.Value, StringComparer.Ordinal);

    public static ExportParameters FromQuery(IQueryCollection query)
    {
        if (query.ContainsKey("patient"))
            throw FhirException.BadRequest("The patient parameter is taken in a POSTed Parameters body (valueReference Patient/[id]), not in the query.");
        return new(query.SelectMany(q => q.Value.Select(v => new KeyValuePair<string, string>(q.Key, v ?? ""))).ToList(), []);
    }

    /// <summary>The parameters of a POSTed body: primitive values as their FHIR text, <c>patient</c> as <c>Patient/[id]</c> references.</summary>
    public static ExportParameters FromBody(Resource body)
    {
        if (body is not Parameters parameters)
            throw FhirException.BadRequest($"A POSTed $export takes a Parameters resource, not {body.TypeName}.");
        var values = new List<KeyValuePair<string, string>>();
        var patients = new List<string>();
        foreach (var p in parameters.Parameter)
        {
            if (p.Name == "patient")
            {
                var reference = (p.Value as ResourceReference)?.Reference;
                var id = reference is not null && reference.StartsWith("Patient/", StringComparison.Ordinal) ? reference[8..] : null;
                if (id is null || !ResourcePreparer.IsValidId(id))
                    throw FhirException.BadRequest($"patient must be a valueReference to Patient/[id], not '{reference ?? p.Value?.TypeName ?? "nothing"}'.");
                if (!patients.Contains(id)) patients.Add(id);
                continue;
            }
            if (p.Value is not PrimitiveType primitive || primitive.JsonValue is null)
                throw FhirException.BadRequest($"The parameter '{p.Name}' needs a primitive value (valueString, valueInstant, ...).");
            values.Add(new(p.Name ?? "", primitive.ToString() ?? ""));
        }
        if (patients.Count > MaxPatients) throw FhirException.BadRequest($"At most {MaxPatients} patient references are taken in one export.", OperationOutcome.IssueType.TooCostly);
        return new(values, patients);
    }
}
