using System.Globalization;
using Hl7.Fhir.Model;
using SendInterop.Domain.Profiles;
using SendInterop.Domain.Sen2;

namespace SendInterop.Gateway.Sen2;

/// <summary>
/// The answer to <c>$sen2-import</c>. A file read to its end gives a <c>Parameters</c> (200) with one <c>record</c> part per
/// person: its status, the resource versions written and each error as typed parts, so an LA's system can act on them
/// record by record without parsing prose. A file that failed as a whole (not XML, truncated, DTD, wrong root or header,
/// too large) gives an <c>OperationOutcome</c> (400/413/422): the file problem first, then what happened to each record read
/// before it, because a complete record is imported even when a later part of the file is broken.
/// </summary>
public sealed record Sen2ImportReport(Sen2Header? Header, IReadOnlyList<Sen2RecordResult> Records, IReadOnlyList<Sen2Error> FileErrors, Sen2UploadFailure? UploadFailure)
{
    /// <summary>Code system of the rules in reports (<see cref="Sen2Rule"/> names and the gateway's own two).</summary>
    public const string RuleSystem = SendCanonical.Base + "/CodeSystem/sen2-rule";

    public bool FileFailed => FileErrors.Count > 0 || UploadFailure is not null;

    /// <summary>The HTTP status of a failed file: 413 too large, 400 unreadable bytes, 422 readable but not a valid return.</summary>
    public int FailureStatus => UploadFailure switch
    {
        Sen2UploadFailure.TooLarge => 413,
        Sen2UploadFailure.BrokenOff => 400,
        _ => FileErrors.FirstOrDefault()?.Rule switch
        {
            Sen2Rule.SizeLimitExceeded => 413,
            Sen2Rule.NotWellFormedXml or Sen2Rule.TruncatedXml or Sen2Rule.DtdProhibited => 400,
            _ => 422,
        },
    };

    public int Count(Sen2RecordStatus status) => Records.Count(r => r.Status == status);

    public Parameters ToParameters()
    {
        var result = new Parameters();
        if (Header is { } header)
        {
            result.Add("la", new FhirString(header.La.Value));
            result.Add("collection-year", new Integer(header.Year));
            result.Add("reference-date", new Date(header.ReferenceDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)));
        }

        result.Add("records", new Integer(Records.Count));
        result.Add("imported", new Integer(Count(Sen2RecordStatus.Imported)));
        result.Add("unchanged", new Integer(Count(Sen2RecordStatus.Unchanged)));
        result.Add("rejected", new Integer(Count(Sen2RecordStatus.Rejected)));
        foreach (var record in Records) result.Parameter.Add(RecordPart(record));
        return result;
    }

    public OperationOutcome ToOutcome()
    {
        var outcome = new OperationOutcome();
        foreach (var error in FileErrors) outcome.Issue.Add(FileIssue(error));
        if (UploadFailure is { } failure)
            outcome.Issue.Add(new OperationOutcome.IssueComponent
            {
                Severity = OperationOutcome.IssueSeverity.Fatal,
                Code = failure == Sen2UploadFailure.TooLarge ? OperationOutcome.IssueType.TooCostly : OperationOutcome.IssueType.Incomplete,
                Diagnostics = failure == Sen2UploadFailure.TooLarge
                    ? "The file is larger than this server accepts for a SEN2 import (Sen2:MaxImportBytes); reading stopped there."
                    : "The upload ended before the file did (connection closed or body not readable); reading stopped there.",
            });

        outcome.Issue.Add(new OperationOutcome.IssueComponent
        {
            Severity = OperationOutcome.IssueSeverity.Information,
            Code = OperationOutcome.IssueType.Informational,
            Diagnostics = Records.Count == 0
                ? "No record was imported: the file failed before its first complete Person."
                : $"{Records.Count} complete records were read before the file failed, and each was handled on its own: " +
                  $"imported {List(Sen2RecordStatus.Imported)}; unchanged {List(Sen2RecordStatus.Unchanged)}; rejected {List(Sen2RecordStatus.Rejected)}. " +
                  "Imported records stay imported; correct the file and import it again (records already imported come back unchanged).",
        });
        foreach (var record in Records)
        {
            if (record.Status == Sen2RecordStatus.Rejected)
                foreach (var problem in record.Problems) outcome.Issue.Add(RecordIssue(record, problem));
            else
                outcome.Issue.Add(new OperationOutcome.IssueComponent
                {
                    Severity = OperationOutcome.IssueSeverity.Information,
                    Code = OperationOutcome.IssueType.Informational,
                    Location = [Sen2RecordResult.PersonPath(record.Index)],
                    Diagnostics = $"record {record.Index}: {Status(record.Status)}" +
                                  (record.Written.Count == 0 ? "" : " (" + string.Join(", ", record.Written.Select(w => w.VersionedReference)) + ")"),
                });
        }

        return outcome;
    }

    private string List(Sen2RecordStatus status)
    {
        var indexes = Records.Where(r => r.Status == status).Select(r => r.Index.ToString(CultureInfo.InvariantCulture)).ToList();
        return indexes.Count == 0 ? "none" : string.Join(", ", indexes);
    }

    private static Parameters.ParameterComponent RecordPart(Sen2RecordResult record)
    {
        var part = new Parameters.ParameterComponent { Name = "record" };
        part.Part.Add(new() { Name = "index", Value = new Integer(record.Index) });
        part.Part.Add(new() { Name = "line", Value = new Integer(record.Line) });
        part.Part.Add(new() { Name = "status", Value = new Code(Status(record.Status)) });
        foreach (var written in record.Written)
            part.Part.Add(new() { Name = written.Deleted ? "deleted" : written.Created ? "created" : "updated", Value = new ResourceReference(written.VersionedReference) });
        foreach (var problem in record.Problems)
        {
            var error = new Parameters.ParameterComponent { Name = "error" };
            error.Part.Add(new() { Name = "path", Value = new FhirString(problem.Path) });
            error.Part.Add(new() { Name = "line", Value = new Integer(problem.Line) });
            error.Part.Add(new() { Name = "column", Value = new Integer(problem.Column) });
            error.Part.Add(new() { Name = "rule", Value = new Coding(RuleSystem, problem.Rule) });
            error.Part.Add(new() { Name = "message", Value = new FhirString(problem.Message) });
            if (problem.Value is { } value) error.Part.Add(new() { Name = "value", Value = new FhirString(value) });
            part.Part.Add(error);
        }

        return part;
    }

    private static OperationOutcome.IssueComponent FileIssue(Sen2Error error) => new()
    {
        Severity = OperationOutcome.IssueSeverity.Fatal,
        Code = error.Rule switch
        {
            Sen2Rule.SizeLimitExceeded => OperationOutcome.IssueType.TooCostly,
            Sen2Rule.DtdProhibited => OperationOutcome.IssueType.Security,
            Sen2Rule.TruncatedXml => OperationOutcome.IssueType.Incomplete,
            Sen2Rule.NotWellFormedXml or Sen2Rule.WrongRootOrSchema => OperationOutcome.IssueType.Structure,
            Sen2Rule.UnsupportedCollection => OperationOutcome.IssueType.NotSupported,
            _ => OperationOutcome.IssueType.Invalid,
        },
        Details = new CodeableConcept(RuleSystem, error.Rule.ToString(), error.Message),
        Diagnostics = $"{error.Message} (rule {error.Rule}, line {error.Line}, column {error.Position})",
        Location = [error.Path],
    };

    private static OperationOutcome.IssueComponent RecordIssue(Sen2RecordResult record, Sen2RecordProblem problem) => new()
    {
        Severity = OperationOutcome.IssueSeverity.Error,
        Code = OperationOutcome.IssueType.Invalid,
        Details = new CodeableConcept(RuleSystem, problem.Rule, problem.Message),
        Diagnostics = $"record {record.Index} rejected: {problem.Message} (rule {problem.Rule}, line {problem.Line}, column {problem.Column})" +
                      (problem.Value is null ? "" : $" [{problem.Value}]"),
        Location = [problem.Path],
    };

    private static string Status(Sen2RecordStatus status) => status switch
    {
        Sen2RecordStatus.Imported => "imported",
        Sen2RecordStatus.Unchanged => "unchanged",
        _ => "rejected",
    };
}
