using Hl7.Fhir.Model;
using SendInterop.Gateway.Fhir.Errors;
using SendInterop.Gateway.Fhir.Http;
using SendInterop.Gateway.Fhir.Interactions;
using SendInterop.Gateway.Security.Access;
using SendInterop.Storage.Model;
using SendInterop.Storage.Store;

namespace SendInterop.Gateway.Identity;

/// <summary>
/// Reading the inputs of the identity operations ($merge, $unmerge, $resolve): the Parameters body, Patients named by
/// reference or identifier, and each record read through the consent gate, so an operation can only act on records the
/// caller may see and a hidden one answers exactly as a missing one (404).
/// </summary>
public sealed class IdentityOperationInputs(IResourceStore store, ReadInteractions reads, ConditionalResolver conditional, FhirSerialization serialization)
{
    public static Parameters RequireParameters(FhirRequest request, string operation) =>
        request.Resource as Parameters
        ?? throw FhirException.BadRequest($"{operation} takes a Parameters body, not {request.Resource?.TypeName ?? "an empty body"}.", OperationOutcome.IssueType.Required);

    /// <summary>
    /// The Patient id named by <c>{name}</c> (valueReference <c>Patient/{id}</c>) or <c>{name}-identifier</c>
    /// (valueIdentifier, resolved among the Patients the caller may see); exactly one of the two, once.
    /// </summary>
    public async Task<string> PatientIdAsync(Parameters parameters, string name, FhirRequest request, CancellationToken ct)
    {
        var references = parameters.Get(name).ToList();
        var identifiers = parameters.Get(name + "-identifier").ToList();
        if (references.Count + identifiers.Count == 0)
            throw FhirException.BadRequest($"The '{name}' parameter (valueReference Patient/{{id}}) or '{name}-identifier' (valueIdentifier) is required.", OperationOutcome.IssueType.Required);
        if (references.Count + identifiers.Count > 1)
            throw FhirException.BadRequest($"Give '{name}' once, as either a reference or an identifier.");
        if (references.Count == 1)
        {
            if (references[0].Value is not ResourceReference { Reference: { } text } || PatientIdOf(text, request.BaseUrl) is not { } id)
                throw FhirException.BadRequest($"'{name}' must be a valueReference to a Patient on this server (Patient/{{id}}).");
            return id;
        }
        if (identifiers[0].Value is not Identifier { Value: { Length: > 0 } value } identifier)
            throw FhirException.BadRequest($"'{name}-identifier' must be a valueIdentifier with a value.");
        // Escaped as a search token: a comma, bar, dollar or backslash in the identifier is part of it, not search syntax
        // (unescaped, "A,B" would match a Patient holding only A, and that Patient would be merged).
        var token = identifier.System is { Length: > 0 } system ? $"{EscapeToken(system)}|{EscapeToken(value)}" : EscapeToken(value);
        var matches = await conditional.ResolveAsync("Patient", [new("identifier", token)], request.Access, ct);
        return matches.Count switch
        {
            0 => throw FhirException.NotFound($"No Patient has the identifier given as '{name}-identifier'."),
            1 => matches[0].ResourceId,
            _ => throw FhirException.Unprocessable($"The identifier given as '{name}-identifier' identifies more than one Patient; name the Patient by reference."),
        };
    }

    /// <summary>The current, live version of a resource the caller may see (through the gate), or 404.</summary>
    public async Task<ResourceRecord> ReadVisibleAsync(AccessSession access, ScopeGrant? grant, string type, string id, CancellationToken ct)
    {
        var record = await store.ReadAsync(type, id, ct) ?? throw FhirException.NotFound($"{type}/{id} does not exist.");
        await reads.EnsureVisibleAsync(access, grant, record, ct);
        if (record.IsDeleted) throw FhirException.NotFound($"{type}/{id} does not exist (it was deleted).");
        return record;
    }

    public T Parse<T>(ResourceRecord record) where T : Resource => (T)serialization.ParseStored(record.Json);

    /// <summary>A boolean parameter, or <paramref name="fallback"/> when absent.</summary>
    public static bool Flag(Parameters parameters, string name, bool fallback) => parameters.Get(name).ToList() switch
    {
        [] => fallback,
        [{ Value: FhirBoolean { Value: { } b } }] => b,
        _ => throw FhirException.BadRequest($"'{name}' must be one boolean (valueBoolean)."),
    };

    /// <summary>A search token part with the FHIR search escapes (a backslash before each backslash, comma, bar and dollar), so it is matched as a whole.</summary>
    public static string EscapeToken(string text) =>
        text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace(",", "\\,", StringComparison.Ordinal)
            .Replace("|", "\\|", StringComparison.Ordinal).Replace("$", "\\$", StringComparison.Ordinal);

    /// <summary><c>Patient/{id}</c>, or the same under this server's base URL.</summary>
    public static string? PatientIdOf(string reference, string baseUrl)
    {
        var relative = reference.StartsWith(baseUrl + "/", StringComparison.Ordinal) ? reference[(baseUrl.Length + 1)..] : reference;
        return IdentityReviewTasks.PatientId(relative);
    }
}
