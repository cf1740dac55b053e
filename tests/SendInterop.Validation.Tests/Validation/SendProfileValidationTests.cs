using Hl7.Fhir.Model;
using SendInterop.Domain.Identifiers;
using SendInterop.Domain.Profiles;
using static SendInterop.Validation.Tests.OutcomeAssertions;
using Task = System.Threading.Tasks.Task;

namespace SendInterop.Validation.Tests.Validation;

public class SendProfileValidationTests(SendValidatorFixture fixture) : IClassFixture<SendValidatorFixture>
{
    private readonly SendInterop.Gateway.Fhir.Validation.FirelyProfileValidator _validator = fixture.Validator;

    [Fact]
    public async Task Valid_send_child_patient_passes()
    {
        var outcome = await _validator.ValidateAsync(SendResources.Child());
        AssertNoErrors(outcome);
    }

    [Fact]
    public async Task Clean_result_is_never_an_empty_operation_outcome()
    {
        var patient = SendResources.Child();
        patient.Text = new Narrative { Status = Narrative.NarrativeStatus.Generated, Div = "<div xmlns=\"http://www.w3.org/1999/xhtml\">Alex Example</div>" };
        var outcome = await _validator.ValidateAsync(patient);
        Assert.NotEmpty(outcome.Issue);
        AssertNoErrors(outcome);
    }

    [Fact]
    public async Task Patient_with_broken_nhs_number_fails_naming_the_modulus_11_rule()
    {
        var patient = SendResources.Child();
        patient.Identifier[0].Value = "9434765913";
        var outcome = await _validator.ValidateAsync(patient);

        var issue = Assert.Single(outcome.Errors(), i => i.Diagnostics?.Contains("NHS number", StringComparison.Ordinal) == true);
        Assert.Equal("NHS number check digit is 3 but the modulus 11 rule gives 9", issue.Diagnostics);
        Assert.Equal(OperationOutcome.IssueType.Value, issue.Code);
        Assert.Equal("Patient.identifier[0].value", Assert.Single(issue.Expression));
    }

    [Theory]
    [InlineData(1, "C801200005001", "UPN check letter is C but the DfE modulus 23 rule gives B")]
    [InlineData(2, "0000000043", "ULN check digit is 3 but the ULN modulus 11 rule gives 2")]
    [InlineData(3, "C0012345", "LA child id must be the 3-digit LA code, '/', then the local id")]
    public async Task Patient_with_broken_education_identifier_fails_naming_the_rule(int index, string value, string rule)
    {
        var patient = SendResources.Child();
        patient.Identifier[index].Value = value;
        var outcome = await _validator.ValidateAsync(patient);
        Assert.Contains(outcome.Errors(), i => i.Diagnostics == rule && i.Code == OperationOutcome.IssueType.Value);
    }

    [Fact]
    public async Task Test_range_nhs_number_is_rejected_when_test_numbers_are_not_allowed()
    {
        var patient = SendResources.Child();
        patient.Identifier[0].Value = "9990000018";
        var outcome = await _validator.ValidateAsync(patient);
        AssertHasError(outcome, "999 test range");
    }

    [Fact]
    public async Task Send_child_without_birth_date_fails_the_profile()
    {
        var patient = SendResources.Child();
        patient.BirthDate = null;
        var outcome = await _validator.ValidateAsync(patient);
        Assert.NotEmpty(outcome.Errors());
        Assert.Contains(outcome.Errors(), i => i.Expression.Any(e => e?.Contains("birthDate", StringComparison.Ordinal) == true)
            || (i.Details?.Text ?? string.Empty).Contains("birthDate", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Send_child_with_two_nhs_numbers_fails_the_slice_cardinality()
    {
        var patient = SendResources.Child();
        patient.Identifier.Add(new Identifier(IdentifierSystems.NhsNumber, "9434765870"));
        var outcome = await _validator.ValidateAsync(patient);
        Assert.NotEmpty(outcome.Errors());
    }

    [Fact]
    public async Task Patient_without_meta_profile_is_held_to_base_patient_not_send_child()
    {
        // SEND profiles apply when the resource claims them: an NHS trust's Patient without a birth date still loads.
        var patient = SendResources.Child();
        patient.Meta = null;
        patient.BirthDate = null;
        AssertNoErrors(await _validator.ValidateAsync(patient));
    }

    [Fact]
    public async Task Identifier_rules_apply_to_every_patient_whatever_it_declares()
    {
        var patient = SendResources.Child();
        patient.Meta = null;
        patient.Identifier[0].Value = "9434765913";
        AssertHasError(await _validator.ValidateAsync(patient), "NHS number check digit is 3 but the modulus 11 rule gives 9");
    }

    [Fact]
    public async Task Valid_ehc_plan_passes()
    {
        var outcome = await _validator.ValidateAsync(SendResources.EhcPlan());
        AssertNoErrors(outcome);
    }

    [Fact]
    public async Task Ehc_plan_without_the_ehc_plan_category_fails()
    {
        var plan = SendResources.EhcPlan();
        plan.Category = [new CodeableConcept("http://snomed.info/sct", "734163000")];
        var outcome = await _validator.ValidateAsync(plan);
        Assert.NotEmpty(outcome.Errors());
    }

    [Fact]
    public async Task Ehc_plan_on_hold_fails_because_plans_have_no_such_status()
    {
        var plan = SendResources.EhcPlan();
        plan.Status = RequestStatus.OnHold;
        var outcome = await _validator.ValidateAsync(plan);
        Assert.NotEmpty(outcome.Errors());
    }

    [Fact]
    public async Task Ehc_plan_with_proposal_intent_fails()
    {
        var plan = SendResources.EhcPlan();
        plan.Intent = CarePlan.CarePlanIntent.Proposal;
        var outcome = await _validator.ValidateAsync(plan);
        Assert.NotEmpty(outcome.Errors());
    }

    [Fact]
    public async Task Ehc_plan_with_an_unknown_section_code_fails()
    {
        var plan = SendResources.EhcPlan();
        plan.Goal[0].Extension[0].Value = new Code("Z");
        var outcome = await _validator.ValidateAsync(plan);
        Assert.NotEmpty(outcome.Errors());
    }

    [Fact]
    public async Task Personal_budget_in_a_currency_other_than_gbp_fails()
    {
        var plan = SendResources.EhcPlan();
        var budget = plan.GetExtension(SendCanonical.Extensions.EhcPersonalBudget);
        budget.GetExtension("amount").Value = new Money { Value = 4500m, Currency = Money.Currencies.USD };
        var outcome = await _validator.ValidateAsync(plan);
        Assert.Contains(outcome.Errors(), i => (i.Details?.Text ?? string.Empty).Contains("ehc-pb-1", StringComparison.Ordinal)
            || (i.Details?.Text ?? string.Empty).Contains("GBP", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Personal_budget_without_an_amount_fails()
    {
        var plan = SendResources.EhcPlan();
        var budget = plan.GetExtension(SendCanonical.Extensions.EhcPersonalBudget);
        budget.RemoveExtension("amount");
        var outcome = await _validator.ValidateAsync(plan);
        Assert.NotEmpty(outcome.Errors());
    }

    [Fact]
    public async Task Placement_that_is_not_a_reference_fails()
    {
        var plan = SendResources.EhcPlan();
        plan.GetExtension(SendCanonical.Extensions.EhcPlacement).Value = new FhirString("Oakfield School");
        var outcome = await _validator.ValidateAsync(plan);
        Assert.NotEmpty(outcome.Errors());
    }

    [Fact]
    public async Task Valid_outcome_with_pfa_domain_passes()
    {
        AssertNoErrors(await _validator.ValidateAsync(SendResources.Outcome()));
    }

    [Fact]
    public async Task Outcome_with_a_category_outside_the_pfa_domains_fails()
    {
        var goal = SendResources.Outcome();
        goal.Category = [new CodeableConcept(SendCanonical.CodeSystems.PfaDomain, "happiness")];
        Assert.NotEmpty((await _validator.ValidateAsync(goal)).Errors());
    }

    [Fact]
    public async Task Outcome_without_a_target_date_fails()
    {
        var goal = SendResources.Outcome();
        goal.Target.Clear();
        Assert.NotEmpty((await _validator.ValidateAsync(goal)).Errors());
    }

    [Fact]
    public async Task Valid_need_with_sen2_type_passes()
    {
        AssertNoErrors(await _validator.ValidateAsync(SendResources.Need()));
    }

    [Theory]
    [InlineData("SPLD")]
    [InlineData("PMLD")]
    [InlineData("ASD")]
    [InlineData("OTH")]
    [InlineData("NSA")]
    public async Task Need_with_any_sen2_need_code_passes(string code)
    {
        var need = SendResources.Need();
        need.Category = [new CodeableConcept(SendCanonical.CodeSystems.Sen2NeedType, code)];
        AssertNoErrors(await _validator.ValidateAsync(need));
    }

    [Fact]
    public async Task Need_with_an_unknown_sen2_code_fails()
    {
        var need = SendResources.Need();
        need.Category = [new CodeableConcept(SendCanonical.CodeSystems.Sen2NeedType, "XYZ")];
        Assert.NotEmpty((await _validator.ValidateAsync(need)).Errors());
    }

    [Fact]
    public async Task Need_without_a_sen2_category_fails()
    {
        var need = SendResources.Need();
        need.Category = [new CodeableConcept("http://terminology.hl7.org/CodeSystem/condition-category", "problem-list-item")];
        Assert.NotEmpty((await _validator.ValidateAsync(need)).Errors());
    }

    [Fact]
    public async Task Unknown_profile_is_an_error_issue_not_an_exception()
    {
        var outcome = await _validator.ValidateAsync(SendResources.Child(), "https://example.org/StructureDefinition/nope");
        var issue = Assert.Single(outcome.Errors(), i => i.Code == OperationOutcome.IssueType.NotSupported);
        Assert.Contains("https://example.org/StructureDefinition/nope", issue.Diagnostics);
    }

    [Fact]
    public async Task Unknown_declared_profile_is_a_warning_naming_it_and_the_rest_is_still_validated()
    {
        var patient = SendResources.Child();
        patient.Meta!.Profile = ["https://example.org/StructureDefinition/unknown-patient"];
        patient.Identifier[0].Value = "9434765913";
        var outcome = await _validator.ValidateAsync(patient);

        Assert.Contains(outcome.Issue, i => i.Severity == OperationOutcome.IssueSeverity.Warning
            && i.Code == OperationOutcome.IssueType.NotSupported
            && i.Diagnostics?.Contains("unknown-patient", StringComparison.Ordinal) == true);
        AssertHasError(outcome, "modulus 11");
    }

    [Fact]
    public async Task Resource_of_a_type_without_a_send_profile_is_validated_against_its_base_type()
    {
        var organization = new Organization { Name = "Oakfield School", Active = true };
        AssertNoErrors(await _validator.ValidateAsync(organization));

        // org-1: an organization SHALL at least have a name or an identifier.
        var broken = new Organization { Active = true };
        Assert.NotEmpty((await _validator.ValidateAsync(broken)).Errors());
    }

    [Fact]
    public async Task Explicit_profile_is_the_one_validated_against()
    {
        // A Patient without birthDate is fine for base Patient but not for send-child.
        var patient = SendResources.Child();
        patient.Meta = null;
        patient.BirthDate = null;
        AssertNoErrors(await _validator.ValidateAsync(patient, "http://hl7.org/fhir/StructureDefinition/Patient"));
        Assert.NotEmpty((await _validator.ValidateAsync(patient, SendCanonical.Profiles.Child)).Errors());
    }

    [Fact]
    public async Task Many_concurrent_validations_all_complete()
    {
        var tasks = Enumerable.Range(0, 40)
            .Select(i => _validator.ValidateAsync(i % 2 == 0 ? SendResources.Child() : SendResources.EhcPlan()))
            .ToArray();
        var outcomes = await Task.WhenAll(tasks).WaitAsync(TimeSpan.FromMinutes(2));
        Assert.All(outcomes, AssertNoErrors);
    }

    [Fact]
    public async Task Queued_validations_do_not_hold_thread_pool_threads()
    {
        // Validation runs on the validator's own threads; a burst of writes must leave the pool free for everything else.
        var burst = Enumerable.Range(0, 100).Select(_ => _validator.ValidateAsync(SendResources.EhcPlan())).ToArray();
        var poolResponds = Task.WhenAll(Enumerable.Range(0, 50).Select(_ => Task.Run(() => Thread.Sleep(10))));
        Assert.Same(poolResponds, await Task.WhenAny(poolResponds, Task.Delay(TimeSpan.FromSeconds(10))));
        await Task.WhenAll(burst);
    }

    [Fact]
    public async Task Warm_up_marks_the_validator_warm()
    {
        await _validator.WarmUpAsync();
        Assert.True(_validator.IsWarm);
    }
}
