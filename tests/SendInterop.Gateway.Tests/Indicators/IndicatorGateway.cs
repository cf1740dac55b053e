using Hl7.Fhir.Model;
using Task = System.Threading.Tasks.Task;
using SendInterop.Domain.Indicators;
using SendInterop.Domain.Profiles;
using SendInterop.Gateway.Tests.Infrastructure;

namespace SendInterop.Gateway.Tests.Indicators;

/// <summary>
/// The gateway on SQLite with the indicator projection fed by change events (a short batch window), and the DfE release
/// from ../shared when this checkout has it (comparators). Builds small child records over HTTP.
/// </summary>
public sealed class IndicatorGateway() : SqliteGatewayFixture("sendinterop-indicators-")
{
    /// <summary>The DfE release directory when present beside the repository (the shared workspace), else null.</summary>
    public static string? DfeRelease { get; } = FindRelease();

    protected override Dictionary<string, string?> MoreSettings() => new()
    {
        ["Indicators:ChangeBatchWindow"] = "00:00:00.020",
        ["Indicators:TallyRefreshInterval"] = "00:00:00.200",
        ["Indicators:DfeReleaseDirectory"] = DfeRelease,
        // The indicator data is loaded with its own ids (PUT): the deployment option for bulk loads (ADR 3).
        ["Access:ClientAssignedIds"] = "Any",
    };

    public static Organization La(string code, string name) => new()
    {
        Id = "la-" + code,
        Name = name,
        Identifier = [new Identifier(IndicatorCanonical.LaCodeSystem, code)],
    };

    public static Patient Child(string id, string birthDate, AdministrativeGender gender = AdministrativeGender.Female) => new()
    {
        Id = id,
        BirthDate = birthDate,
        Gender = gender,
    };

    /// <summary>A final EHC plan (category ehc-plan) issued on <paramref name="issued"/> by the LA.</summary>
    public static CarePlan Plan(string id, string patientId, string laCode, string issued) => new()
    {
        Id = id,
        Status = RequestStatus.Active,
        Intent = CarePlan.CarePlanIntent.Plan,
        Category = [new CodeableConcept(SendCanonical.CodeSystems.EhcPlanCategory, SendCanonical.Codes.EhcPlanCategory)],
        Subject = new ResourceReference("Patient/" + patientId),
        Period = new Period { Start = issued },
        Author = new ResourceReference("Organization/la-" + laCode),
    };

    private static string? FindRelease()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "data", "dfe-ehcp-2025");
            if (Directory.Exists(Path.Combine(candidate, "data"))) return candidate;
        }

        return null;
    }
}
