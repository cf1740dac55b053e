using SendInterop.Domain.Access.Gate;
using static SendInterop.Domain.Tests.Access.Gate.GateScenario;

namespace SendInterop.Domain.Tests.Access.Gate;

/// <summary>Provision evaluation on its own: which provision applies, which decides.</summary>
public class ProvisionEvaluatorTests
{
    private static readonly DataCode Asthma = new("http://snomed.info/sct", "195967001");

    private static ProvisionQuery Query(ResourceFacts data, string organisation = Paediatrics, string purpose = PurposesOfUse.DirectCare) =>
        new(organisation, purpose, data, Now);

    [Fact]
    public void AProvisionThatDoesNotApply_SaysNothing_EvenIfAnExceptionWould()
    {
        var provision = Permit(actors: [Camhs], exceptions: [Deny()]);

        var outcome = ProvisionEvaluator.Evaluate(provision, Query(GpObservation()));

        Assert.False(outcome.Applies);
        Assert.Null(outcome.EffectiveType);
        Assert.Null(outcome.DecidingProvision);
        Assert.Empty(outcome.DecidingProvisions);
    }

    [Fact]
    public void EachListedDimension_MustMatch_AndEmptyMatchesAnything()
    {
        var data = GpObservation(labels: [SecurityLabels.MentalHealth]) with { Codes = [Asthma] };
        var everyDimension = Permit(
            actors: [Paediatrics], purposes: [PurposesOfUse.DirectCare], classes: ["Observation"], codes: [Asthma],
            labels: [SecurityLabels.MentalHealth], period: new TimeRange(Now.AddDays(-1), Now.AddDays(1)),
            dataPeriod: new TimeRange(Utc(2025, 1, 1), Utc(2025, 12, 31)));

        Assert.True(ProvisionEvaluator.Applies(Permit(), Query(data)));
        Assert.True(ProvisionEvaluator.Applies(everyDimension, Query(data)));
        Assert.False(ProvisionEvaluator.Applies(everyDimension with { Actors = [Camhs] }, Query(data)));
        Assert.False(ProvisionEvaluator.Applies(everyDimension with { Purposes = [PurposesOfUse.EhcReview] }, Query(data)));
        Assert.False(ProvisionEvaluator.Applies(everyDimension with { Classes = [DataClasses.Plan] }, Query(data)));
        Assert.False(ProvisionEvaluator.Applies(everyDimension with { Codes = [new DataCode("http://snomed.info/sct", "1")] }, Query(data)));
        Assert.False(ProvisionEvaluator.Applies(everyDimension with { Labels = [SecurityLabels.SexualHealth] }, Query(data)));
        Assert.False(ProvisionEvaluator.Applies(everyDimension with { Period = new TimeRange(Now.AddDays(1), null) }, Query(data)));
        Assert.False(ProvisionEvaluator.Applies(everyDimension with { DataPeriod = new TimeRange(Utc(2026, 1, 1), null) }, Query(data)));
    }

    [Fact]
    public void TheDecidingProvision_IsTheInnermostThatApplies()
    {
        var inner = Deny(codes: [Asthma]);
        var middle = Permit(actors: [Paediatrics], exceptions: [inner]);
        var root = Deny(exceptions: [middle]);

        var withAsthma = ProvisionEvaluator.Evaluate(root, Query(GpObservation() with { Codes = [Asthma] }));
        var without = ProvisionEvaluator.Evaluate(root, Query(GpObservation()));
        var otherActor = ProvisionEvaluator.Evaluate(root, Query(GpObservation(), organisation: Camhs));

        Assert.Equal(ProvisionType.Deny, withAsthma.EffectiveType);
        Assert.Same(inner, withAsthma.DecidingProvision);
        Assert.Equal(ProvisionType.Permit, without.EffectiveType);
        Assert.Same(middle, without.DecidingProvision);
        Assert.Equal(ProvisionType.Deny, otherActor.EffectiveType);
        Assert.Same(root, otherActor.DecidingProvision);
    }

    [Fact]
    public void SiblingsOfTheWinningType_DecideTogether_AndDenyWins()
    {
        var permitA = Permit(actors: [Paediatrics], labels: [SecurityLabels.MentalHealth]);
        var permitB = Permit(purposes: [PurposesOfUse.DirectCare], labels: [SecurityLabels.MentalHealth, SecurityLabels.SexualHealth]);
        var deny = Deny(codes: [Asthma]);
        var data = GpObservation(labels: [SecurityLabels.MentalHealth, SecurityLabels.SexualHealth]);

        var permits = ProvisionEvaluator.Evaluate(Deny(exceptions: [permitA, permitB, deny]), Query(data));
        var denied = ProvisionEvaluator.Evaluate(Deny(exceptions: [permitA, deny, permitB]), Query(data with { Codes = [Asthma] }));

        Assert.Equal(ProvisionType.Permit, permits.EffectiveType);
        Assert.Equal([permitA, permitB], permits.DecidingProvisions);
        Assert.True(permits.EveryDecidingProvisionLists(SecurityLabels.MentalHealth));
        Assert.False(permits.EveryDecidingProvisionLists(SecurityLabels.SexualHealth));
        Assert.Equal(ProvisionType.Deny, denied.EffectiveType);
        Assert.Same(deny, denied.DecidingProvision);
    }

    [Fact]
    public void UndatedData_IsOutsideAPermitsDataPeriod_AndInsideADenys()
    {
        var period = new TimeRange(Utc(2024, 1, 1), Utc(2024, 12, 31));
        var undated = GpObservation() with { DataDate = null };

        Assert.False(ProvisionEvaluator.Applies(Permit(dataPeriod: period), Query(undated)));
        Assert.True(ProvisionEvaluator.Applies(Deny(dataPeriod: period), Query(undated)));
        // A provision without a dataPeriod covers undated data either way.
        Assert.True(ProvisionEvaluator.Applies(Permit(), Query(undated)));
    }
}
