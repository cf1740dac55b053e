using Hl7.Fhir.Model;
using SendInterop.Domain.Identifiers;
using SendInterop.Domain.Profiles;

namespace SendInterop.Gateway.Fhir.Validation;

/// <summary>
/// Small valid SEND resources the validator checks at start-up, so each validation thread has compiled the schemas
/// (Patient, CarePlan and the types and extensions they pull in) before the first real write.
/// </summary>
internal static class WarmUpSamples
{
    public static Patient Child() => new()
    {
        Meta = new Meta { Profile = [SendCanonical.Profiles.Child] },
        Identifier =
        [
            new Identifier(IdentifierSystems.NhsNumber, "9990000018"),
            new Identifier(IdentifierSystems.Upn, Upn.Create(LaCode.Parse("801"), 2000, 5, 1).Value),
        ],
        Name = [new HumanName { Family = "Warmup", Given = ["Sample"] }],
        Gender = AdministrativeGender.Unknown,
        BirthDate = "2015-01-01",
    };

    public static CarePlan EhcPlan() => new()
    {
        Meta = new Meta { Profile = [SendCanonical.Profiles.EhcPlan] },
        Status = RequestStatus.Active,
        Intent = CarePlan.CarePlanIntent.Plan,
        Category = [new CodeableConcept(SendCanonical.CodeSystems.EhcPlanCategory, SendCanonical.Codes.EhcPlanCategory)],
        Subject = new ResourceReference("Patient/warm-up"),
        Period = new Period { Start = "2025-01-01" },
    };
}
