using System.Text;
using Hl7.Fhir.Model;
using SendInterop.Gateway.Fhir.Http;

namespace SendInterop.Gateway.Security.Authentication;

/// <summary>
/// Writes a refused FHIR request: 401 or 403 with an OperationOutcome saying which check failed (never the token),
/// in the negotiated FHIR format, and the RFC 6750 <c>WWW-Authenticate: Bearer</c> challenge.
/// </summary>
public static class AuthProblemWriter
{
    public const string Realm = "SendInterop";

    /// <param name="error">RFC 6750 error code (invalid_token, insufficient_scope), or null when no token was sent.</param>
    public static async System.Threading.Tasks.Task WriteAsync(HttpContext context, int status, string? error, string rule, string description)
    {
        var response = context.Response;
        var challenge = new StringBuilder("Bearer realm=\"").Append(Realm).Append('"');
        if (error is not null)
            challenge.Append(", error=\"").Append(error).Append("\", error_description=\"").Append(QuotedText(description)).Append('"');
        response.Headers.WWWAuthenticate = challenge.ToString();
        response.Headers.CacheControl = "no-store";

        var outcome = new OperationOutcome
        {
            Issue =
            [
                new OperationOutcome.IssueComponent
                {
                    Severity = OperationOutcome.IssueSeverity.Error,
                    Code = status == 401 ? OperationOutcome.IssueType.Login : OperationOutcome.IssueType.Forbidden,
                    Details = new CodeableConcept(AuthRuleSystem, rule),
                    Diagnostics = description,
                },
            ],
        };
        var writer = context.RequestServices.GetRequiredService<FhirResponseWriter>();
        await writer.WriteAsync(context, new FhirResponse { Status = status, Resource = outcome }, FhirFormats.ForResponse(context.Request), ElementFilter.None);
    }

    /// <summary>The code system of the rule codes in <see cref="AuthRules"/> (issue.details).</summary>
    public const string AuthRuleSystem = Domain.Profiles.SendCanonical.Base + "/CodeSystem/auth-rule";

    /// <summary>RFC 6750 error_description: printable ASCII without '"' and '\'.</summary>
    private static string QuotedText(string text)
    {
        var sb = new StringBuilder(text.Length);
        foreach (var c in text) sb.Append(c is >= ' ' and <= '~' and not ('"' or '\\') ? c : '\'');
        return sb.ToString();
    }
}
