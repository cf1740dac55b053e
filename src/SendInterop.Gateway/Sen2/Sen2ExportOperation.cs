using System.Globalization;
using System.Text;
using Hl7.Fhir.Model;
using Microsoft.AspNetCore.WebUtilities;
using SendInterop.Domain.Audit;
using SendInterop.Domain.Sen2;
using SendInterop.Gateway.Fhir.Errors;
using SendInterop.Gateway.Security.Access;

namespace SendInterop.Gateway.Sen2;

/// <summary>
/// <c>GET /fhir/$sen2-export?collection-year=YYYY&amp;reference-date=YYYY-MM-DD[&amp;dmo=Y|N|R&amp;dco=Y|N|R]</c>: the caller's LA's
/// SEN2 return as <c>application/xml</c>, ready to submit. Children that cannot be mapped are not in the file (it must stay a
/// valid return) but are never dropped silently: <see cref="UnmappedCountHeader"/> counts them and
/// <see cref="UnmappedHeader"/> names them (Patient ids and the missing items, no personal data). Headers, not a second
/// document, because the body must be exactly the file DfE COLLECT takes, and a client saving it learns of a shortfall
/// from the same response.
/// </summary>
public sealed class Sen2ExportOperation(Sen2ExportCollector collector, TimeProvider clock)
{
    public const string Name = "$sen2-export";
    public const string PersonsHeader = "X-SEN2-Persons";
    public const string UnmappedCountHeader = "X-SEN2-Unmapped-Count";
    public const string UnmappedHeader = "X-SEN2-Unmapped";

    /// <summary>Most characters of the unmapped list in its header (proxies refuse long headers); the count is always exact.</summary>
    private const int MaxUnmappedHeaderLength = 4000;

    /// <summary>Collects and maps the return; the caller audits, then <see cref="WriteAsync"/> sends it.</summary>
    public async Task<(Sen2Header Header, Sen2ExportContent Content)> ExecuteAsync(HttpContext context, AccessSession access)
    {
        access.Interaction = "sen2-export";
        access.Action = AuditAction.Read;
        Sen2ExportCollector.RequireScopes(access);
        var la = Sen2LocalAuthority.Of(access, Name);
        var header = Header(context.Request.Query, la);
        return (header, await collector.CollectAsync(la, access, context.RequestAborted));
    }

    public static async System.Threading.Tasks.Task WriteAsync(HttpContext context, Sen2Header header, Sen2ExportContent content)
    {
        var response = context.Response;
        response.StatusCode = 200;
        response.ContentType = "application/xml; charset=utf-8";
        response.Headers.ContentDisposition = $"attachment; filename=\"SEN2_{header.La.Value}_{header.Year.ToString(CultureInfo.InvariantCulture)}.xml\"";
        response.Headers[PersonsHeader] = content.Persons.Count.ToString(CultureInfo.InvariantCulture);
        response.Headers[UnmappedCountHeader] = content.Unmapped.Count.ToString(CultureInfo.InvariantCulture);
        if (content.Unmapped.Count > 0) response.Headers[UnmappedHeader] = UnmappedList(content.Unmapped);
        // The writer is synchronous; it writes to a buffer that spills to a temporary file, which is then copied out
        // asynchronously (Kestrel refuses synchronous writes to the response).
        await using var buffer = new FileBufferingWriteStream();
        Sen2ReturnWriter.Write(buffer, header, content.Persons);
        await buffer.DrainBufferAsync(response.Body, context.RequestAborted);
    }

    private Sen2Header Header(IQueryCollection query, Domain.Identifiers.LaCode la)
    {
        if (!int.TryParse(query["collection-year"], NumberStyles.None, CultureInfo.InvariantCulture, out var year) || year is < 2000 or > 2100)
            throw FhirException.BadRequest($"{Name} needs collection-year, the January of the census (e.g. 2026).", OperationOutcome.IssueType.Required);
        if (!DateOnly.TryParseExact(query["reference-date"].ToString(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var referenceDate))
            throw FhirException.BadRequest($"{Name} needs reference-date, the census day as YYYY-MM-DD (e.g. 2026-01-15).", OperationOutcome.IssueType.Required);
        Sen2Header header;
        try
        {
            header = Sen2Header.ForReturn(la, year, referenceDate);
        }
        catch (ArgumentException)
        {
            throw FhirException.BadRequest("reference-date must be the census day in January of collection-year.");
        }

        return header with
        {
            SoftwareCode = "SendInterop",
            Release = typeof(Sen2ExportOperation).Assembly.GetName().Version?.ToString(3),
            GeneratedAt = clock.GetLocalNow().DateTime,
            DesignatedMedicalOfficer = Officer(query, "dmo"),
            DesignatedClinicalOfficer = Officer(query, "dco"),
        };
    }

    /// <summary>DMO/DCO are facts about the LA, not about any child: the record does not hold them, so the caller may state them.</summary>
    private static Sen2Code? Officer(IQueryCollection query, string name)
    {
        var value = query[name].ToString();
        if (value.Length == 0) return null;
        return Sen2CodeLists.DesignatedOfficer.TryGet(value, 0, out var code)
            ? code
            : throw FhirException.BadRequest($"{name} must be Y, N or R.");
    }

    private static string UnmappedList(IReadOnlyList<Sen2UnmappedChild> unmapped)
    {
        var text = new StringBuilder();
        for (var i = 0; i < unmapped.Count; i++)
        {
            var item = $"{unmapped[i].PatientReference}: {string.Join(", ", unmapped[i].Problems)}";
            item = new string(item.Where(c => c is >= ' ' and <= '~').ToArray()).Replace(";", ",", StringComparison.Ordinal);
            if (text.Length + item.Length + 2 > MaxUnmappedHeaderLength)
            {
                text.Append(CultureInfo.InvariantCulture, $"; and {unmapped.Count - i} more");
                break;
            }

            if (text.Length > 0) text.Append("; ");
            text.Append(item);
        }

        return text.ToString();
    }
}
