using Hl7.Fhir.Model;
using SendInterop.Domain.Identifiers;
using SendInterop.Domain.Profiles;

namespace SendInterop.Validation.Tests;

/// <summary>Builders for valid SEND resources; tests break one thing each.</summary>
internal static class SendResources
{
    public const string ChildNhsNumber = "9434765919";

    public static Patient Child() => new()
    {
        Id = "child-1",
        Meta = new Meta { Profile = [SendCanonical.Profiles.Child] },
        Identifier =
        [
            new Identifier(IdentifierSystems.NhsNumber, ChildNhsNumber),
            new Identifier(IdentifierSystems.Upn, "B801200005001"),
            new Identifier(IdentifierSystems.Uln, "0000000042"),
            new Identifier(IdentifierSystems.LaChildId, "801/C0012345"),
        ],
        Name = [new HumanName { Use = HumanName.NameUse.Official, Family = "Example", Given = ["Alex"] }],
        Gender = AdministrativeGender.Female,
        BirthDate = "2012-03-14",
    };

    public static CarePlan EhcPlan() => new()
    {
        Id = "plan-1",
        Meta = new Meta { Profile = [SendCanonical.Profiles.EhcPlan] },
        Extension =
        [
            new Extension(SendCanonical.Extensions.EhcPlacement, new ResourceReference("Organization/school-1")),
            new Extension
            {
                Url = SendCanonical.Extensions.EhcPersonalBudget,
                Extension =
                [
                    new Extension("amount", new Money { Value = 4500m, Currency = Money.Currencies.GBP }),
                    new Extension("period", new Period { Start = "2025-09-01", End = "2026-08-31" }),
                    new Extension("directPayment", new FhirBoolean(true)),
                ],
            },
        ],
        Status = RequestStatus.Active,
        Intent = CarePlan.CarePlanIntent.Plan,
        Category = [new CodeableConcept(SendCanonical.CodeSystems.EhcPlanCategory, SendCanonical.Codes.EhcPlanCategory)],
        Title = "EHC plan",
        Subject = new ResourceReference("Patient/child-1"),
        Period = new Period { Start = "2025-03-01" },
        Created = "2025-03-01",
        Addresses = [Section(new ResourceReference("Condition/need-1"), "B")],
        SupportingInfo = [Section(new ResourceReference("DocumentReference/views-1"), "A")],
        Goal = [Section(new ResourceReference("Goal/outcome-1"), "E")],
        Activity =
        [
            new CarePlan.ActivityComponent
            {
                Extension = [new Extension(SendCanonical.Extensions.EhcPlanSection, new Code("F"))],
                Detail = new CarePlan.DetailComponent
                {
                    Status = CarePlan.CarePlanActivityStatus.InProgress,
                    Description = "Speech and language therapy, 1 hour a week in school, delivered by a qualified SaLT",
                },
            },
        ],
    };

    public static Goal Outcome() => new()
    {
        Id = "outcome-1",
        Meta = new Meta { Profile = [SendCanonical.Profiles.Outcome] },
        LifecycleStatus = Goal.GoalLifecycleStatus.Active,
        Category = [new CodeableConcept(SendCanonical.CodeSystems.PfaDomain, "independent-living")],
        Description = new CodeableConcept { Text = "By the end of Year 11, Alex will travel to college independently" },
        Subject = new ResourceReference("Patient/child-1"),
        Target = [new Goal.TargetComponent { Due = new Date("2028-07-31") }],
    };

    public static Condition Need() => new()
    {
        Id = "need-1",
        Meta = new Meta { Profile = [SendCanonical.Profiles.Need] },
        Extension = [new Extension(SendCanonical.Extensions.SenNeedRank, new PositiveInt(1))],
        Category = [new CodeableConcept(SendCanonical.CodeSystems.Sen2NeedType, "SLCN")],
        Code = new CodeableConcept(SendCanonical.CodeSystems.Sen2NeedType, "SLCN"),
        Subject = new ResourceReference("Patient/child-1"),
    };

    private static ResourceReference Section(ResourceReference reference, string section)
    {
        reference.Extension.Add(new Extension(SendCanonical.Extensions.EhcPlanSection, new Code(section)));
        return reference;
    }
}
