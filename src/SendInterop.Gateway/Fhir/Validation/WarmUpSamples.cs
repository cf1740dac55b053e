using Hl7.Fhir.Model;
using SendInterop.Domain.Identifiers;
using SendInterop.Domain.Profiles;

namespace SendInterop.Gateway.Fhir.Validation;

/// <summary>
/// Small valid SEND resources each validation thread checks at start-up. They touch every identifier slice, extension
/// and bound code of the SEND profiles, so schemas are compiled and value sets expanded before the first real write
/// (a cold thread takes 10x longer on a resource shape it has not seen).
/// </summary>
internal static class WarmUpSamples
{
    public static IEnumerable<(Resource Resource, string Profile)> All()
    {
        yield return (Child(), SendCanonical.Profiles.Child);
        yield return (EhcPlan(), SendCanonical.Profiles.EhcPlan);
        yield return (Outcome(), SendCanonical.Profiles.Outcome);
        yield return (Need(), SendCanonical.Profiles.Need);
    }

    public static Patient Child() => new()
    {
        Meta = new Meta { Profile = [SendCanonical.Profiles.Child] },
        Identifier =
        [
            new Identifier(IdentifierSystems.NhsNumber, "9990000018"),
            new Identifier(IdentifierSystems.Upn, Upn.Create(LaCode.Parse("801"), 2000, 5, 1).Value),
            new Identifier(IdentifierSystems.Uln, "0000000042"),
            new Identifier(IdentifierSystems.LaChildId, "801/WARMUP"),
        ],
        Name = [new HumanName { Use = HumanName.NameUse.Official, Family = "Warmup", Given = ["Sample"] }],
        Gender = AdministrativeGender.Unknown,
        BirthDate = "2015-01-01",
    };

    public static CarePlan EhcPlan() => new()
    {
        Meta = new Meta { Profile = [SendCanonical.Profiles.EhcPlan] },
        Extension =
        [
            new Extension(SendCanonical.Extensions.EhcPlacement, new ResourceReference("Organization/warm-up")),
            new Extension
            {
                Url = SendCanonical.Extensions.EhcPersonalBudget,
                Extension =
                [
                    new Extension("amount", new Money { Value = 1000m, Currency = Money.Currencies.GBP }),
                    new Extension("period", new Period { Start = "2025-01-01", End = "2025-12-31" }),
                    new Extension("directPayment", new FhirBoolean(false)),
                ],
            },
        ],
        Status = RequestStatus.Active,
        Intent = CarePlan.CarePlanIntent.Plan,
        Category = [new CodeableConcept(SendCanonical.CodeSystems.EhcPlanCategory, SendCanonical.Codes.EhcPlanCategory)],
        Subject = new ResourceReference("Patient/warm-up"),
        Period = new Period { Start = "2025-01-01" },
        Addresses = [Section(new ResourceReference("Condition/warm-up"), "B")],
        SupportingInfo = [Section(new ResourceReference("DocumentReference/warm-up"), "A")],
        Goal = [Section(new ResourceReference("Goal/warm-up"), "E")],
        Activity =
        [
            new CarePlan.ActivityComponent
            {
                Extension = [new Extension(SendCanonical.Extensions.EhcPlanSection, new Code("F"))],
                Detail = new CarePlan.DetailComponent { Status = CarePlan.CarePlanActivityStatus.InProgress, Description = "Warm-up" },
            },
        ],
    };

    public static Goal Outcome() => new()
    {
        Meta = new Meta { Profile = [SendCanonical.Profiles.Outcome] },
        LifecycleStatus = Goal.GoalLifecycleStatus.Active,
        Category = [new CodeableConcept(SendCanonical.CodeSystems.PfaDomain, "employment")],
        Description = new CodeableConcept { Text = "Warm-up" },
        Subject = new ResourceReference("Patient/warm-up"),
        Target = [new Goal.TargetComponent { Due = new Date("2030-07-31") }],
    };

    public static Condition Need() => new()
    {
        Meta = new Meta { Profile = [SendCanonical.Profiles.Need] },
        Extension = [new Extension(SendCanonical.Extensions.SenNeedRank, new PositiveInt(1))],
        Category = [new CodeableConcept(SendCanonical.CodeSystems.Sen2NeedType, "ASD")],
        Code = new CodeableConcept(SendCanonical.CodeSystems.Sen2NeedType, "ASD"),
        Subject = new ResourceReference("Patient/warm-up"),
    };

    private static ResourceReference Section(ResourceReference reference, string section)
    {
        reference.Extension.Add(new Extension(SendCanonical.Extensions.EhcPlanSection, new Code(section)));
        return reference;
    }
}
