using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Hl7.Fhir.Model;
using SendInterop.Domain.Identifiers;
using SendInterop.Domain.Sen2;
using SendInterop.Gateway.Fhir.Http;
using SendInterop.Gateway.Fhir.Interactions;
using SendInterop.Gateway.Security.Access;

namespace SendInterop.Gateway.Sen2;

/// <summary>
/// The LA child id of a SEN2 person who has neither UPN nor ULN (only a UPNunknown reason). SEN2 carries no LA id, and the
/// import needs a stable key for such a child so that a re-import finds the same record. Never random:
/// <list type="number">
/// <item>A person with a UPN or ULN needs none: the UPN (else the ULN) keys the child's records.</item>
/// <item>Otherwise the LA's own Patient for the child is looked up, as the caller (through the consent gate): a Patient owned by
/// this LA with the same family name, given name, birth date and postcode (exactly, ignoring case and spaces) that carries
/// an LA child id of this LA. One id found: it is used. Several different ids: the record is refused (which child is meant is
/// for a person to decide), never guessed.</item>
/// <item>None found: the id is derived, <c>{LA}/S2-{12 hex}</c> from SHA-256 over the LA code and those four items. The same
/// person in next year's file derives the same id, and once created the Patient is found by step 2 anyway. Only the hash
/// is stored, so the id spells out nothing.</item>
/// </list>
/// </summary>
public sealed class Sen2LaChildIds(ConditionalResolver resolver, FhirSerialization serialization)
{
    public const string DerivedPrefix = "S2-";

    /// <summary>The most visible namesakes (same family name and birth date, with an LA child id) looked at for one person.</summary>
    public const int MaxCandidates = 200;

    /// <summary>The id to map the person with: null when none is needed; a problem when the LA's records disagree.</summary>
    public async Task<(LaChildId? Id, string? Problem)> ResolveAsync(Sen2Person person, LaCode la, AccessSession access, CancellationToken ct)
    {
        if (person.Upn is not null || person.Uln is not null) return (null, null);

        var query = new List<KeyValuePair<string, string>>
        {
            new("family", person.Surname),
            new("birthdate", person.BirthDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)),
            new("identifier", IdentifierSystems.LaChildId + "|"),
        };
        var found = new HashSet<string>(StringComparer.Ordinal);
        // Every visible child of that name and birth date with an LA child id (up to MaxCandidates), not the two a
        // conditional write needs: the records are filtered below (this LA's, same person), and a third could be the one.
        foreach (var record in await resolver.ResolveAsync("Patient", query, access, ct, wanted: MaxCandidates))
        {
            if (record.IsDeleted || !string.Equals(record.Owner, access.Requester?.OrganisationId, StringComparison.Ordinal)) continue;
            if (serialization.ParseStored(record.Json) is not Patient patient || !SamePerson(patient, person)) continue;
            foreach (var identifier in patient.Identifier.Where(i => i.System == IdentifierSystems.LaChildId))
                if (LaChildId.TryParse(identifier.Value, out var id, out _) && id.LaCode == la) found.Add(id.Value);
        }

        return found.Count switch
        {
            0 => (Derive(person, la), null),
            1 => (LaChildId.Parse(found.Single()), null),
            _ => (null, $"{found.Count} of this LA's child records with different LA child ids have this person's name, birth date and postcode, and the person has no UPN or ULN: link or merge them first"),
        };
    }

    /// <summary>The derived id: deterministic, and the same whatever the case or spacing of the items.</summary>
    public static LaChildId Derive(Sen2Person person, LaCode la)
    {
        var text = string.Join('|', la.Value, Normalise(person.Surname), Normalise(person.Forename),
            person.BirthDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), Normalise(person.PostCode));
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
        return LaChildId.Create(la, DerivedPrefix + hash[..12]);
    }

    private static bool SamePerson(Patient patient, Sen2Person person)
    {
        var name = patient.Name.FirstOrDefault(n => n.Use == HumanName.NameUse.Official) ?? patient.Name.FirstOrDefault();
        return name is not null
               && Normalise(name.Family) == Normalise(person.Surname)
               && Normalise(string.Join(' ', name.Given)) == Normalise(person.Forename)
               && patient.BirthDate == person.BirthDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)
               && patient.Address.Any(a => Normalise(a.PostalCode) == Normalise(person.PostCode));
    }

    private static string Normalise(string? text) =>
        new string((text ?? "").Where(c => !char.IsWhiteSpace(c)).ToArray()).ToUpperInvariant();
}
