using Hl7.Fhir.Model;
using SendInterop.Gateway.Fhir.Errors;
using SendInterop.Gateway.Fhir.Http;
using SendInterop.Gateway.Fhir.Validation;
using SendInterop.Gateway.Identity;
using SendInterop.Gateway.Security.Access;
using SendInterop.Domain.Identity.Linkage;
using SendInterop.Domain.Identity.Linkage.Scoring;
using SendInterop.Storage.Store;

namespace SendInterop.Gateway.Fhir.Interactions;

/// <summary>
/// FHIR operations ($name). $validate always runs full profile validation, whatever the write policy.
/// <c>POST Patient/$match</c> finds the stored Patients that may be the same child (see <see cref="MatchAsync"/>).
/// </summary>
public sealed class OperationInteractions(
    IProfileValidator validator,
    IResourceStore store,
    FhirSerialization serialization,
    ReadInteractions reads,
    PatientMatchIndex matchIndex,
    DisclosureGate gate,
    Microsoft.Extensions.Options.IOptions<ValidationOptions> validation)
{
    public static readonly string[] Supported = ["$validate", "$match"];

    /// <summary>$match's count when none is given, and the most it returns.</summary>
    public const int DefaultMatchCount = 10, MaxMatchCount = 50;

    /// <summary>A review-band match at or above this probability is graded probable; below it, possible.</summary>
    public const double ProbableProbability = 0.8;

    /// <summary>What a $match input Patient must carry at least (the 422 names it).</summary>
    public const string MatchMinimum = "an NHS number, or a family name together with a full birth date (YYYY-MM-DD)";

    // Candidates asked of the index beyond count, so that withheld ones can be skipped and the page still filled.
    private const int MatchCandidates = 200;

    public async Task<FhirResponse> ExecuteAsync(FhirRequest request, CancellationToken ct)
    {
        var url = request.Url;
        return url.Operation switch
        {
            "$validate" when url.ResourceType is not null => await ValidateAsync(request, ct),
            "$match" when url.ResourceType == "Patient" && url.Id is null && !url.History =>
                request.Method == "POST" ? await MatchAsync(request, ct) : throw FhirException.MethodNotAllowed("Patient/$match takes POST with a Parameters body."),
            _ => throw FhirException.NotFound($"Operation {url.Operation} is not supported here. Supported: {string.Join(", ", Supported)} on a resource type or instance."),
        };
    }

    private async Task<FhirResponse> ValidateAsync(FhirRequest request, CancellationToken ct)
    {
        var type = request.Url.ResourceType!;
        Resource? resource = request.Resource;
        string? profile = request.Url.Query.FirstOrDefault(kv => kv.Key == "profile").Value;
        if (resource is Parameters parameters && type != "Parameters")
        {
            if (parameters.Get("resource").Count() > 1 || parameters.Get("profile").Count() > 1)
                throw FhirException.BadRequest("$validate takes one 'resource' and at most one 'profile' parameter.");
            resource = parameters.Get("resource").FirstOrDefault()?.Resource;
            var profileValue = parameters.Get("profile").FirstOrDefault()?.Value;
            profile ??= (profileValue as FhirUri)?.Value ?? (profileValue as Canonical)?.Value;
        }
        if (resource is null && request.Url.Id is not null && request.Method == "GET")
        {
            // Validating a stored resource reads it: the read scope and the consent gate apply as to a read.
            var grant = request.Access.RequireScope(type, Domain.Access.SmartPermissions.Read);
            var record = await store.ReadAsync(type, request.Url.Id, ct);
            if (record is null) throw FhirException.NotFound($"{type}/{request.Url.Id} does not exist.");
            await reads.EnsureVisibleAsync(request.Access, grant, record, ct);
            if (record.IsDeleted) throw FhirException.NotFound($"{type}/{request.Url.Id} does not exist.");
            resource = serialization.ParseStored(record.Json);
        }
        // Validating a supplied resource discloses nothing stored, but it is a writer's tool: it needs a write scope.
        if (resource is not null && request.Access.ScopeFor(type, Domain.Access.SmartPermissions.Create) is null && request.Access.ScopeFor(type, Domain.Access.SmartPermissions.Update) is null)
            request.Access.RequireScope(type, Domain.Access.SmartPermissions.Create);
        if (resource is null) throw FhirException.BadRequest("$validate needs a resource: in the body, as Parameters.resource, or GET on an instance.", OperationOutcome.IssueType.Required);
        if (resource.TypeName != type) throw FhirException.BadRequest($"The resource is a {resource.TypeName} but $validate was called on {type}.");
        var outcome = await validator.ValidateAsync(resource, profile, ct);
        return FhirResponse.Of(outcome);
    }

    /// <summary>
    /// <c>POST Patient/$match</c> (R4): input Parameters <c>resource</c> (a Patient), <c>onlyCertainMatches</c>,
    /// <c>count</c> (default 10, at most 50). Output: a searchset Bundle of matching Patients, best first, each with
    /// <c>search.mode = match</c>, <c>search.score</c> = the linkage engine's match probability (4 decimals) and the
    /// match-grade extension: auto-link band = <c>certain</c>; review band with probability at least 0.8 =
    /// <c>probable</c>; the rest of the review band = <c>possible</c>, and so is a pair that a rule held back from
    /// auto-link (household guard: twins and siblings; ambiguity guard), whose score is also capped just below the
    /// auto-link threshold so that a twin never shows 1.0. Below review nothing is returned (no <c>certainly-not</c>
    /// entries: that would disclose children who are not a match). Every candidate passes the consent gate before it
    /// is included (each decision is audited); a withheld candidate leaves no trace: the Bundle's total counts only
    /// what is returned, so a caller without access gets the same empty Bundle as a query that matches nothing.
    /// </summary>
    private async Task<FhirResponse> MatchAsync(FhirRequest request, CancellationToken ct)
    {
        var grant = request.Access.RequireScope("Patient", Domain.Access.SmartPermissions.Search);
        if (request.Resource is not Parameters parameters)
            throw FhirException.BadRequest($"Patient/$match takes a Parameters body, not {request.Resource?.TypeName ?? "an empty body"}.");
        var resources = parameters.Get("resource").ToList();
        if (resources.Count != 1)
            throw FhirException.BadRequest("Patient/$match needs exactly one 'resource' parameter holding a Patient.", OperationOutcome.IssueType.Required);
        if (resources[0].Resource is not Patient patient)
            throw FhirException.BadRequest($"The 'resource' parameter of Patient/$match must be a Patient, not {resources[0].Resource?.TypeName ?? "empty"}.");
        var onlyCertain = false;
        switch (parameters.Get("onlyCertainMatches").ToList())
        {
            case []: break;
            case [{ Value: FhirBoolean { Value: { } b } }]: onlyCertain = b; break;
            default: throw FhirException.BadRequest("'onlyCertainMatches' must be one boolean (valueBoolean).");
        }
        var count = DefaultMatchCount;
        switch (parameters.Get("count").ToList())
        {
            case []: break;
            case [{ Value: Integer { Value: > 0 and var n } }]: count = Math.Min(n, MaxMatchCount); break;
            case [{ Value: PositiveInt { Value: > 0 and var n } }]: count = Math.Min(n, MaxMatchCount); break;
            default: throw FhirException.BadRequest($"'count' must be one positive integer (valueInteger), at most {MaxMatchCount} is used.");
        }

        var identifierIssues = PatientIdentifierCheck.Check(patient, validation.Value.AllowTestNhsNumbers);
        if (identifierIssues.Count > 0)
            throw FhirException.Unprocessable("The Patient to match has an identifier that breaks its rules.", identifierIssues);
        var probe = PatientLinkageRecords.From(patient, "$match/" + Guid.NewGuid().ToString("N"));
        if (probe.NhsNumber is null && (probe.FamilyName is null || probe.BirthDate is not { IsComplete: true }))
            throw FhirException.Unprocessable($"Patient/$match needs at least {MatchMinimum}.");

        var index = await matchIndex.GetAsync(ct);
        var scores = index.Match(probe, MatchCandidates, onlyCertain ? MatchBand.AutoLink : MatchBand.Review);
        var session = request.Access;
        var entries = new List<BundleBodyEntry>(count);
        foreach (var score in scores)
        {
            if (entries.Count >= count) break;
            var grade = Grade(score);
            if (grade is null || onlyCertain && grade != "certain") continue;
            var record = await store.ReadAsync("Patient", score.RightId, ct);
            if (record is null || record.IsDeleted) continue; // the index lags a delete by one match at most
            if (!session.IsInternal)
            {
                var visible = await gate.PermitsAsync(session, record, grant, ct)
                    && (grant is null || grant.Unconstrained || await gate.MatchesScopeConstraintsAsync(record.ResourceType, record.ResourceId, grant, ct));
                if (!visible) continue;
            }
            entries.Add(new BundleBodyEntry
            {
                FullUrl = $"{request.BaseUrl}/Patient/{record.ResourceId}",
                Json = record.Json,
                SearchMode = Bundle.SearchEntryMode.Match,
                Score = Score(score, matchIndex.Options),
                MatchGrade = grade,
            });
        }
        var body = new BundleBody { Type = Bundle.BundleType.Searchset, Total = entries.Count };
        body.Links.Add(("self", $"{request.BaseUrl}/Patient/$match"));
        body.Entries.AddRange(entries.OrderByDescending(e => e.Score)); // stable: the engine's order among equal scores
        return new FhirResponse { Bundle = body };
    }

    /// <summary>The match-grade code for a band and probability; null below review (never returned).</summary>
    public static string? Grade(PairScore score) => score.Band switch
    {
        MatchBand.AutoLink => "certain",
        MatchBand.Review => score.MatchProbability >= ProbableProbability && !HeldBack(score) ? "probable" : "possible",
        _ => null,
    };

    /// <summary>search.score: the match probability, capped below auto-link when a rule held the pair back.</summary>
    public static decimal Score(PairScore score, LinkageOptions options)
    {
        var p = score.Band != MatchBand.AutoLink && HeldBack(score) ? Math.Min(score.MatchProbability, options.AutoLinkProbability - 0.0001) : score.MatchProbability;
        return Math.Round((decimal)p, 4, MidpointRounding.ToZero);
    }

    // A rule capped the band (household guard, ambiguity guard): the fields agree because of the household.
    private static bool HeldBack(PairScore score) => score.Rules.Any(r => r.Contains($"({RuleEffect.CapAtReview})", StringComparison.Ordinal));
}
