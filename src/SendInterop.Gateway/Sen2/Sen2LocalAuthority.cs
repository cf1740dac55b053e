using Hl7.Fhir.Model;
using SendInterop.Domain.Identifiers;
using SendInterop.Gateway.Fhir.Errors;
using SendInterop.Gateway.Security.Access;

namespace SendInterop.Gateway.Sen2;

/// <summary>
/// The LA a SEN2 import or export is for. It comes from the caller's token organisation only (<c>la-NNN</c>), never from the
/// file or the query: an LA imports and exports its own return, and nobody else's.
/// </summary>
public static class Sen2LocalAuthority
{
    private const string Prefix = "la-";

    /// <summary>The caller's LA code, or a 403 for a caller that is not a local authority.</summary>
    public static LaCode Of(AccessSession access, string operation)
    {
        var organisation = access.Requester?.OrganisationId ?? "";
        if (organisation.StartsWith(Prefix, StringComparison.Ordinal) && LaCode.TryParse(organisation[Prefix.Length..], out var la, out _))
            return la;
        throw new FhirException(403, OperationOutcome.IssueType.Forbidden,
            $"{operation} is for local authorities: the access token's organisation must be an LA (la-NNN), and '{organisation}' is not.");
    }
}
