using Hl7.Fhir.Model;
using Microsoft.Extensions.Options;
using SendInterop.Domain.Access.Gate;
using SendInterop.Domain.Audit;
using SendInterop.Domain.Indicators;
using SendInterop.Gateway.DemoData;
using SendInterop.Gateway.Fhir.Errors;
using SendInterop.Gateway.Fhir.Http;
using SendInterop.Gateway.Indicators;
using SendInterop.Gateway.Security.Authentication;

namespace SendInterop.Gateway.Dashboard;

/// <summary>
/// The dashboard's data: the LAs to choose from, the indicator catalogue (FHIR Measures) and many summary
/// MeasureReports in one call (a FHIR collection Bundle), each one exactly what
/// <c>Measure/{id}/$evaluate-measure?reportType=summary</c> answers for that subject and SEN2 year, plus the configured
/// statistical neighbours' comparators. Every call needs the <see cref="CommissionerRole"/> and is audited, permitted or
/// refused, like every FHIR interaction.
/// </summary>
public sealed class DashboardApi(
    EvaluateMeasureOperation evaluator,
    ReportSubjectResolver subjects,
    ComparatorSource comparators,
    DashboardAreas areas,
    FhirResponseWriter writer,
    IAuditSink audit,
    IOptions<DashboardOptions> options,
    TimeProvider clock)
{
    /// <summary>Audit rule codes of the dashboard's decisions.</summary>
    public const string PermitRule = "dashboard-commissioner";
    public const string DenyRule = "dashboard-role";

    /// <summary>What the login form offers: a pasted token always; in Development also a test commissioner token.</summary>
    public static object LoginOptions(bool devTokens) => new
    {
        role = CommissionerRole.Value,
        scope = "system/Measure.rs",
        purposes = PurposesOfUse.Commissioning,
        devTokenPath = devTokens ? GatewayUrls.DevTokenPath : null,
        devOrganisations = devTokens
            ? DemoDirectory.LocalAuthorities.Select(l => new { id = l.Id, name = l.Name }).ToArray()
            : [],
    };

    public async System.Threading.Tasks.Task AreasAsync(HttpContext context)
    {
        if (!await PermitAsync(context, "dashboard-areas")) return;
        var list = await areas.ListAsync(context.RequestAborted);
        var regions = list.Where(a => a.RegionCode is not null).GroupBy(a => a.RegionCode!)
            .Select(g => new { subject = g.Key, code = g.Key, name = g.First().RegionName }).ToList();
        context.Response.Headers.CacheControl = "no-store";
        await Results.Json(new
        {
            areas = list.Select(a => new { subject = a.Subject, code = a.Code, name = a.Name, regionCode = a.RegionCode, regionName = a.RegionName, statisticalNeighbours = a.StatisticalNeighbours }),
            regions,
            sen2Years = new { first = DashboardReportQuery.FirstSen2Year, latest = LatestCompleteSen2Year(clock.GetUtcNow()) },
            suppressionRule = SmallNumberSuppression.Rule,
            comparatorsConfigured = comparators.Set.All.Count > 0,
        }).ExecuteAsync(context);
    }

    public async System.Threading.Tasks.Task MeasuresAsync(HttpContext context)
    {
        if (!await PermitAsync(context, "dashboard-measures")) return;
        var bundle = new Bundle { Type = Bundle.BundleType.Collection };
        foreach (var measure in MeasureFactory.CreateAll()) bundle.Entry.Add(new Bundle.EntryComponent { FullUrl = measure.Url, Resource = measure });
        bundle.Total = bundle.Entry.Count;
        await WriteAsync(context, FhirResponse.Of(bundle));
    }

    public async System.Threading.Tasks.Task ReportsAsync(HttpContext context)
    {
        if (!await PermitAsync(context, "dashboard-reports")) return;
        var ct = context.RequestAborted;
        Bundle bundle;
        try
        {
            var query = DashboardReportQuery.Parse(context.Request.Query, options.Value.MaxEvaluationsPerRequest, clock.GetUtcNow());
            bundle = new Bundle { Type = Bundle.BundleType.Collection, Timestamp = clock.GetUtcNow() };
            foreach (var subjectText in query.Subjects)
            {
                var subject = await subjects.ResolveAsync(subjectText, ct);
                var neighbours = subject.Level == GeographyLevel.LocalAuthority && options.Value.StatisticalNeighbours.TryGetValue(subject.Code, out var n) ? n : [];
                foreach (var year in query.Sen2Years)
                {
                    // Sequential on purpose: one SQL statement per group of indicators over the same rows, and SQLite
                    // serves one writer; the page asks for one area's trend or one year's side-by-side at a time.
                    var reports = await evaluator.SummariesAsync(query.Indicators, ReportingPeriod.Sen2Year(year), subject, ct);
                    for (var i = 0; i < reports.Count; i++)
                    {
                        StatisticalNeighbourComparators.Add(reports[i], query.Indicators[i], year, neighbours, comparators.Set);
                        bundle.Entry.Add(new Bundle.EntryComponent { Resource = reports[i] });
                    }
                }
            }
        }
        catch (FhirException ex)
        {
            await WriteAsync(context, FhirResponse.Of(ex.ToOutcome(), ex.Status));
            return;
        }

        bundle.Total = bundle.Entry.Count;
        await WriteAsync(context, FhirResponse.Of(bundle));
    }

    /// <summary>The latest SEN2 year whose census day has passed (its activity year is complete).</summary>
    public static int LatestCompleteSen2Year(DateTimeOffset now)
    {
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        return today >= ReportingPeriod.CensusDay(today.Year) ? today.Year : today.Year - 1;
    }

    private async Task<bool> PermitAsync(HttpContext context, string interaction)
    {
        var client = context.GetAuthenticatedClient();
        var refusal = CommissionerRole.Refusal(client);
        await audit.AppendAsync(new AuditRecord(
            clock.GetUtcNow(), AuditAction.Execute, interaction, refusal is null ? AuditDecision.Permit : AuditDecision.Deny,
            refusal is null ? PermitRule : DenyRule, null, client?.ClientId, client?.Organisation, client?.Agency, client?.Role,
            Purpose: PurposesOfUse.Commissioning, ChildIds: [], Entities: [], context.TraceIdentifier,
            SourceAddress: context.Connection.RemoteIpAddress?.ToString()), context.RequestAborted);
        if (refusal is null) return true;
        await AuthProblemWriter.WriteAsync(context, StatusCodes.Status403Forbidden, "insufficient_scope", DenyRule, refusal);
        return false;
    }

    private System.Threading.Tasks.Task WriteAsync(HttpContext context, FhirResponse response)
    {
        context.Response.Headers.CacheControl = "no-store";
        return writer.WriteAsync(context, response, FhirFormats.ForResponse(context.Request), ElementFilter.None);
    }
}
