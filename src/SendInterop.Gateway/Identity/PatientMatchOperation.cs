using Hl7.Fhir.Model;
using SendInterop.Domain.Identity.Linkage;
using SendInterop.Domain.Identity.Linkage.Scoring;
using SendInterop.Gateway.Fhir.Errors;
using SendInterop.Gateway.Fhir.Http;
using SendInterop.Gateway.Fhir.Validation;
using SendInterop.Gateway.Security.Access;
using SendInterop.Storage.Store;

namespace SendInterop.Gateway.Identity;

/// <summary>The FHIR R4 <c>Patient/$match</c> operation over the linkage index, through the consent gate.</summary>
public sealed class PatientMatchOperation(
    IResourceStore store,
    PatientMatchIndex matchIndex,
    DisclosureGate gate,
    Microsoft.Extensions.Options.IOptions<ValidationOptions> validation)
{
    /// <summary>$match's count when none is given, and the most it returns.</summary>
    public const int DefaultMatchCount = 10, MaxMatchCount = 50;

    /// <summary>A review-band match at or above this probability is graded probable; below it, possible.</summary>
    public const double ProbableProbability = 0.8;

    /// <summary>What a $match input Patient must carry at least (the 422 names it).</summary>
    public const string MatchMinimum = "an NHS number, or a family name together with a full birth date (YYYY-MM-DD)";

    // Candidates asked of the index beyond count, so that withheld ones can be skipped and the page still filled.
    private const int MatchCandidates = 200;

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
    public async Task<FhirResponse> ExecuteAsync(FhirRequest request, CancellationToken ct)
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
        // The twin guard runs over the candidates the requester may see only: over all of them, a hidden twin turned
        // a visible record's "certain" into "possible", telling the requester that a record it may not see exists.
        var scores = index.Match(probe, MatchCandidates, onlyCertain ? MatchBand.AutoLink : MatchBand.Review, ambiguityGuard: false);
        var session = request.Access;
        var visible = new List<(PairScore Score, Storage.Model.ResourceRecord Record)>();
        foreach (var score in scores)
        {
            var record = await store.ReadAsync("Patient", score.RightId, ct);
            if (record is null || record.IsDeleted) continue; // the index lags a delete by one match at most
            // A withheld candidate is recorded (a denial, audited); a permitted one only once it is returned below, so the
            // audit does not name candidates past count or below the grade asked for as disclosed.
            var permitted = (grant is not { Unconstrained: false } || await gate.MatchesScopeConstraintsAsync("Patient", record.ResourceId, grant, ct))
                && await gate.IsPermittedAsync(session, record, grant, ct);
            if (!permitted)
            {
                await gate.PermitsWithinScopeAsync(session, record, grant, ct);
                continue;
            }
            visible.Add((score, record));
        }
        var guarded = index.GuardAmbiguity(probe, visible.Select(v => v.Score).ToList());
        var entries = new List<BundleBodyEntry>(count);
        for (var i = 0; i < visible.Count; i++)
        {
            if (entries.Count >= count) break;
            var (score, record) = (guarded[i], visible[i].Record);
            var grade = Grade(score);
            if (grade is null || onlyCertain && grade != "certain") continue;
            if (!await gate.PermitsAsync(session, record, grant, ct)) continue; // decided above: recorded for the audit now
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
