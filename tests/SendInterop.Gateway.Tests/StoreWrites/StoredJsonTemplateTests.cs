using Hl7.Fhir.Model;
using SendInterop.Gateway.Fhir.Http;
using Xunit;

namespace SendInterop.Gateway.Tests.StoreWrites;

/// <summary>
/// The stored JSON rendered before the writer and spliced there must be byte for byte what rendering inside the writer
/// gave: the serializer's own output with the real version and timestamp.
/// </summary>
public sealed class StoredJsonTemplateTests
{
    private static readonly FhirSerialization Serialization = new();

    public static TheoryData<string> Shapes() => ["no meta", "full meta", "contained with meta", "unicode text"];

    private static Resource Make(string shape) => shape switch
    {
        "no meta" => new Patient { Id = "p1", Gender = AdministrativeGender.Female },
        "full meta" => new Patient
        {
            Id = "p2",
            Meta = new Meta
            {
                VersionId = "7", LastUpdated = new DateTimeOffset(2020, 1, 2, 3, 4, 5, TimeSpan.Zero), Source = "urn:x",
                Profile = ["https://fhir.hl7.org.uk/StructureDefinition/UKCore-Patient"],
                Security = [new Coding("http://terminology.hl7.org/CodeSystem/v3-Confidentiality", "R")],
                Tag = [new Coding("https://sendinterop.example/owner", "la-926")],
            },
            BirthDate = "2015-03-04",
        },
        // A contained resource's meta carries the very timestamp the template stands in with, and the top-level
        // lastUpdated must still be the one replaced.
        "contained with meta" => new Hl7.Fhir.Model.Task
        {
            Id = "t1",
            Status = Hl7.Fhir.Model.Task.TaskStatus.Requested,
            Intent = Hl7.Fhir.Model.Task.TaskIntent.Order,
            Contained =
            [
                new Organization
                {
                    Id = "org", Name = "School",
                    Meta = new Meta { VersionId = "1", LastUpdated = new DateTimeOffset(1111, 11, 11, 11, 11, 11, TimeSpan.Zero).AddTicks(1_111_111) },
                },
            ],
            Description = "\"versionId\":\"1\",\"lastUpdated\":\"1111-11-11T11:11:11.1111111+00:00\"",
        },
        "unicode text" => new Patient { Id = "p3", Name = [new HumanName { Family = "Ødegård-Ńguyễn 😀", Given = ["Zoë"] }] },
        _ => throw new ArgumentOutOfRangeException(nameof(shape)),
    };

    private static readonly DateTimeOffset[] Instants =
    [
        new(2026, 11, 27, 18, 30, 0, TimeSpan.Zero), // no fraction: no decimal point either
        new DateTimeOffset(2026, 11, 27, 18, 30, 1, TimeSpan.Zero).AddTicks(1), // one tick
        new DateTimeOffset(2026, 11, 27, 18, 30, 1, TimeSpan.Zero).AddTicks(9_999_999),
        new DateTimeOffset(2026, 11, 27, 9, 20, 22, TimeSpan.Zero).AddTicks(9_136_790), // microseconds, trailing zero
        new(2024, 2, 29, 23, 59, 59, 500, TimeSpan.FromHours(1)),
        new(1999, 12, 31, 0, 0, 0, 10, TimeSpan.FromMinutes(-330)),
        new(9999, 12, 31, 23, 59, 59, 999, TimeSpan.FromHours(14)),
    ];

    private static readonly int[] Versions = [1, 9, 10, 123_456, int.MaxValue];

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Splicing_gives_the_serializers_own_output_for_every_version_and_instant(string shape)
    {
        var resource = Make(shape);
        var template = StoredJsonTemplate.Of(resource, Serialization);
        Assert.NotNull(template);
        foreach (var version in Versions)
            foreach (var instant in Instants)
            {
                var expected = Make(shape);
                expected.Meta ??= new Meta();
                expected.Meta.VersionId = version.ToString(System.Globalization.CultureInfo.InvariantCulture);
                expected.Meta.LastUpdated = instant;
                Assert.Equal(Serialization.ToJsonBytes(expected), template!.With(version, instant));
            }
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Rendering_the_template_leaves_the_resource_as_it_was(string shape)
    {
        var resource = Make(shape);
        var before = Serialization.ToJsonBytes(resource);
        StoredJsonTemplate.Of(resource, Serialization);
        Assert.Equal(before, Serialization.ToJsonBytes(resource));
    }
}
