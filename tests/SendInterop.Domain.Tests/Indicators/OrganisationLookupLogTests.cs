using Hl7.Fhir.Model;
using SendInterop.Domain.Indicators;

namespace SendInterop.Domain.Tests.Indicators;

/// <summary>
/// The directory reports every lookup: the Organization that answered (by id) and each key that found nothing, so the
/// gateway can tell which Organization writes could change a projection. A literal reference that misses is reported
/// even when the identifier then answers: an Organization created with that id later would answer instead.
/// </summary>
public class OrganisationLookupLogTests
{
    private sealed class Log : IOrganisationLookupLog
    {
        public List<string> Resolved { get; } = [];
        public List<string> Missed { get; } = [];

        void IOrganisationLookupLog.Resolved(string organisationId) => Resolved.Add(organisationId);

        void IOrganisationLookupLog.Missed(string key) => Missed.Add(key);
    }

    private static readonly Organization School = new() { Id = "school-1", Identifier = [new Identifier("urn:test:urn", "100001")] };

    [Fact]
    public void A_hit_by_reference_or_identifier_names_the_organisation_and_misses_name_their_keys()
    {
        var log = new Log();
        var directory = new OrganisationDirectory([School], log);

        Assert.Same(School, directory.Find("Organization/school-1"));
        Assert.Same(School, directory.Find(new ResourceReference { Reference = "Organization/school-9", Identifier = new Identifier("urn:test:urn", "100001") }));
        Assert.Null(directory.Find(new ResourceReference { Identifier = new Identifier("urn:test:urn", "999999") }));
        Assert.Null(directory.Find((string?)null));

        Assert.Equal(["school-1", "school-1"], log.Resolved);
        Assert.Equal(["Organization/school-9", "urn:test:urn|999999"], log.Missed);
    }

    [Fact]
    public void Get_by_id_answers_without_reporting_a_lookup()
    {
        var log = new Log();
        var directory = new OrganisationDirectory([School], log);

        Assert.Same(School, directory.Get("school-1"));
        Assert.Null(directory.Get("school-9"));
        Assert.Empty(log.Resolved);
        Assert.Empty(log.Missed);
    }

    [Fact]
    public void The_keys_of_an_organisation_are_its_reference_and_its_identifiers()
    {
        Assert.Equal(["Organization/school-1", "urn:test:urn|100001"], OrganisationDirectory.KeysOf(School));
    }
}
