using Hl7.Fhir.Model;
using SendInterop.Domain.Sen2;

namespace SendInterop.Gateway.Sen2.Batches;

/// <summary>A valid person record of a batch and its mapped transaction (<see cref="Sen2ToFhirMapper"/>).</summary>
public sealed class Sen2MappedRecord
{
    public Sen2MappedRecord(Sen2PersonRecord record, Bundle transaction)
    {
        Record = record;
        Transaction = transaction;
        var patient = transaction.Entry.Select(e => e.Resource).OfType<Hl7.Fhir.Model.Patient>().Single();
        PatientIdentifiers = patient.Identifier.Where(i => i.System is not null && i.Value is not null).Select(i => (i.System!, i.Value!)).ToList();
        Keyed = transaction.Entry.Where(e => e.Resource is not Patient)
            .Select(e => (e.Resource!.TypeName, Key: Sen2RecordKey.ValueOf(e.Resource)))
            .Where(k => k.Key is not null).Select(k => (k.TypeName, k.Key!)).ToList();
    }

    public Sen2PersonRecord Record { get; }
    public Bundle Transaction { get; }

    /// <summary>The child's identifiers the Patient is found by (UPN, ULN, LA child id).</summary>
    public IReadOnlyList<(string System, string Value)> PatientIdentifiers { get; }

    /// <summary>Every other resource's type and SEN2 record key.</summary>
    public IReadOnlyList<(string Type, string Key)> Keyed { get; }
}
