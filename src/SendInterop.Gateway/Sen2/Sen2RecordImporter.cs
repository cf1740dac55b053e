using System.Text.RegularExpressions;
using Hl7.Fhir.Model;
using SendInterop.Domain.Audit;
using SendInterop.Domain.Identifiers;
using SendInterop.Domain.Sen2;
using SendInterop.Gateway.Fhir.Errors;
using SendInterop.Gateway.Fhir.Http;
using SendInterop.Gateway.Fhir.Interactions;
using SendInterop.Gateway.Security.Access;

namespace SendInterop.Gateway.Sen2;

/// <summary>
/// Imports one person record as its own FHIR transaction, through the same dispatcher as <c>POST /fhir</c>: scopes per entry,
/// profile validation, conditional create and update, ownership by the caller's organisation, referential integrity,
/// write observers and the master child index on commit. A transaction is all or nothing, so a refused record leaves
/// nothing of itself behind; a record with reader errors is never mapped at all.
/// </summary>
public sealed partial class Sen2RecordImporter(
    IServiceProvider services,
    Sen2LaChildIds laChildIds,
    Sen2UnchangedEntries unchangedEntries,
    Sen2StaleRecords staleRecords,
    Sen2ImportAudit audit,
    Microsoft.Extensions.Options.IOptions<Sen2Options> options)
{

    /// <param name="deferred">Where the record's committed writes go for the commit handlers (master child index, statutory
    /// Tasks, indicator events), which the caller runs once per batch of records; null runs them with this record.</param>
    public async Task<Sen2RecordResult> ImportAsync(Sen2PersonRecord record, LaCode la, AccessSession access, string baseUrl, CancellationToken ct,
        DeferredCommitWork? deferred = null)
    {
        if (record.Person is not { } person)
            return Rejected(record, record.Errors.Select(Sen2RecordProblem.From).ToList());

        try
        {
            var (laChildId, identityProblem) = await laChildIds.ResolveAsync(person, la, access, ct);
            if (identityProblem is not null) return Rejected(record, [Problem(record, Sen2RecordProblem.AmbiguousIdentity, identityProblem)]);
            if (!Sen2ToFhirMapper.TryMap(person, la, laChildId, out var transaction, out var problem))
                return Rejected(record, [Problem(record, Sen2RecordProblem.AmbiguousIdentity, problem)]);

            var trimmed = await unchangedEntries.TrimAsync(transaction, access, ct);
            var changes = trimmed.Transaction ?? new Bundle { Type = Bundle.BundleType.Transaction };
            // What an earlier import made for this child and the record no longer has goes in the same transaction: the
            // record is replaced as a whole or not at all.
            if (trimmed.Child is { } child) changes.Entry.AddRange(await staleRecords.FindAsync(child, transaction, la, access, ct));
            if (changes.Entry.Count == 0) return new Sen2RecordResult(record.Index, record.Line, Sen2RecordStatus.Unchanged, [], []);

            // The dispatcher is resolved per call: it depends (through the Bundle processor) on services that depend on it.
            var dispatcher = services.GetRequiredService<FhirInteractions>();
            var response = await dispatcher.ExecuteAsync(new FhirRequest
            {
                Method = "POST", Url = Fhir.Http.FhirUrl.Parse(""), BaseUrl = baseUrl, Resource = changes, Access = access,
                PreferReturn = PreferReturn.Minimal, ContentType = FhirFormats.JsonMediaType, DeferredCommits = deferred,
                ValidateProfiles = options.Value.ValidateMappedResources,
            }, ct);
            var written = Written(response);
            // A record that only deletes has no entry that names the child: the stored Patient found for it does.
            await audit.RecordAsync(access, written, ChildOf(written, changes) ?? trimmed.Child?.ResourceId);
            return new Sen2RecordResult(record.Index, record.Line, written.Count == 0 ? Sen2RecordStatus.Unchanged : Sen2RecordStatus.Imported, written, []);
        }
        catch (FhirException ex)
        {
            return Rejected(record, [Problem(record, Sen2RecordProblem.FhirTransactionRefused, $"HTTP {ex.Status} ({ex.Code}): {Redact(ex.Message)}")]);
        }
    }

    /// <summary>The LA child id of a person with neither UPN nor ULN (<see cref="Sen2LaChildIds"/>).</summary>
    public Task<(LaChildId? Id, string? Problem)> LaChildIdAsync(Sen2Person person, LaCode la, AccessSession access, CancellationToken ct) =>
        laChildIds.ResolveAsync(person, la, access, ct);

    private static List<Sen2WrittenResource> Written(FhirResponse response)
    {
        var written = new List<Sen2WrittenResource>();
        foreach (var entry in response.Bundle?.Entries ?? [])
        {
            // A deletion has no Location: its fullUrl names the resource, its ETag the deletion's version.
            if (entry.ResponseStatus == "204" && entry.FullUrl?.Split('/') is { Length: >= 2 } named
                && entry.ResponseEtag is { } etag && int.TryParse(etag.Replace("W/", "", StringComparison.Ordinal).Trim('"'), out var deletedVersion))
            {
                written.Add(new Sen2WrittenResource(named[^2], named[^1], deletedVersion, Created: false, Deleted: true));
                continue;
            }

            // A Location names Type/id/_history/version; a conditional create that matched has none (nothing was written).
            if (entry.ResponseLocation is not { } location || entry.ResponseStatus is not ("200" or "201")) continue;
            var parts = location.Split('/');
            if (parts.Length < 4 || !int.TryParse(parts[^1], out var version)) continue;
            written.Add(new Sen2WrittenResource(parts[^4], parts[^3], version, entry.ResponseStatus == "201"));
        }

        return written;
    }

    /// <summary>The child's Patient id: the one just created, else the stored Patient the entries now refer to.</summary>
    private static string? ChildOf(IReadOnlyList<Sen2WrittenResource> written, Bundle changes) =>
        written.FirstOrDefault(w => w.ResourceType == "Patient")?.ResourceId
        ?? changes.Entry.Where(e => e.Resource is not null).SelectMany(e => ReferenceWalker.All(e.Resource!))
            .Select(r => r.Reference)
            .FirstOrDefault(r => r is not null && r.StartsWith("Patient/", StringComparison.Ordinal))?["Patient/".Length..];

    private static Sen2RecordResult Rejected(Sen2PersonRecord record, IReadOnlyList<Sen2RecordProblem> problems) =>
        new(record.Index, record.Line, Sen2RecordStatus.Rejected, [], problems);

    private static Sen2RecordProblem Problem(Sen2PersonRecord record, string rule, string message) =>
        new(Sen2RecordResult.PersonPath(record.Index), record.Line, 0, rule, message);

    /// <summary>
    /// Validation and search messages may quote a value from the record (a name in a conditional URL, a code the validator
    /// disliked): anything quoted is cut out, so the report carries the rule and location but no personal data.
    /// </summary>
    internal static string Redact(string message) => QuotedText().Replace(message, "'…'");

    [GeneratedRegex("'[^']*'|\"[^\"]*\"")]
    private static partial Regex QuotedText();
}
