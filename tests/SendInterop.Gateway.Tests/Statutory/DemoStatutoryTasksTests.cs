using Hl7.Fhir.Model;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using SendInterop.Domain.Search;
using SendInterop.Domain.Statutory;
using SendInterop.Gateway.DemoData;
using SendInterop.Gateway.Tests.Infrastructure;
using SendInterop.Storage.Store;
using FhirTask = Hl7.Fhir.Model.Task;

namespace SendInterop.Gateway.Tests.Statutory;

/// <summary>
/// The demo cohort gets its statutory Tasks through the same writer as any client's record (the loader's transactions
/// go through the commit handlers), and writes the facts the clock reads in structured form.
/// </summary>
[Collection("sqlite")]
public sealed class DemoStatutoryTasksTests(SqliteGateway gateway) : IClassFixture<SqliteGateway>
{
    private const int Children = 12;

    [Fact]
    public async System.Threading.Tasks.Task The_loaded_cohort_has_a_decision_task_for_every_request_listed_by_step_code()
    {
        // The cohort includes a ceased plan, so its structured cease reason goes through profile validation too.
        var ceasedPlans = new SyntheticCohort(Children).Bundles().SelectMany(b => b.Entry).Select(e => e.Resource).OfType<CarePlan>()
            .Count(p => p.GetExtension(StatutoryCanonical.Extensions.CeaseReason) is not null);
        Assert.True(ceasedPlans > 0, "no ceased plan among the first children");
        var store = gateway.Services.GetRequiredService<IResourceStore>();
        var loader = new DemoDataLoader(gateway.Services, store,
            Options.Create(new DemoDataOptions { Enabled = true, Children = Children, Seed = SyntheticCohort.DefaultSeed }),
            NullLogger<DemoDataLoader>.Instance);
        var loaded = await loader.LoadAsync(default);
        Assert.Equal(0, loaded.BundlesRejected);

        var parser = gateway.Services.GetRequiredService<SearchRequestParser>();
        async Task<IReadOnlyList<Storage.Model.ResourceRecord>> All(string type, string param, string value)
        {
            var request = parser.Parse(type, [new(param, value), new("_count", "1000")]);
            return (await store.SearchAsync(request)).Matches;
        }

        var requests = await All("ServiceRequest", "code", EhcRecordVocabulary.ProcessStepSystem + "|" + EhcRecordVocabulary.RequestForAssessment);
        Assert.NotEmpty(requests);
        var decisions = await All("Task", "code", StatutoryCanonical.StepCodeSystem + "|" + StatutoryStepCode.DecisionToAssess.Code);
        var identifiers = decisions.Select(d => System.Text.Encoding.UTF8.GetString(d.Json)).ToList();
        foreach (var request in requests)
        {
            Assert.Contains(identifiers, json => json.Contains($"\"{request.ResourceId}:decision-to-assess\"", StringComparison.Ordinal));
        }
        // Owned by the LA that owns the request, as the gate needs.
        Assert.All(decisions, d => Assert.StartsWith("la-", d.Owner));

        // What an integrator sees in Swagger with an LA token: the LA's own cases' Tasks, by step code.
        var norfolk = gateway.Fhir(new TokenSpec("la-926"));
        var listed = await norfolk.SearchAsync($"Task?code={StatutoryCanonical.StepCodeSystem}|{StatutoryStepCode.DecisionToAssess.Code}&_count=100");
        Assert.Equal(decisions.Count(d => d.Owner == "la-926"), listed.MatchIds().Count);
    }

    [Fact]
    public void The_cohort_codes_advice_sources_and_cease_reasons()
    {
        var cohort = new SyntheticCohort(200);
        var resources = cohort.Bundles().SelectMany(b => b.Entry).Select(e => e.Resource).ToList();

        var advice = resources.OfType<FhirTask>().Where(t => t.Code.Coding.Any(c => c.Code == EhcRecordVocabulary.AdviceRequest)).ToList();
        Assert.NotEmpty(advice);
        Assert.All(advice, t => Assert.NotNull(AdviceSources.FromCode(t.PerformerType.Single().Coding.Single(c => c.System == StatutoryCanonical.AdviceSourceCodeSystem).Code)));

        var ceased = resources.OfType<CarePlan>().Where(p => p.Period?.End is not null).ToList();
        Assert.NotEmpty(ceased);
        Assert.All(ceased, p =>
        {
            var coding = Assert.IsType<Coding>(p.GetExtension(StatutoryCanonical.Extensions.CeaseReason)?.Value);
            Assert.Equal(StatutoryCanonical.Sen2CeaseReasonCodeSystem, coding.System);
            Assert.True(CeaseReason.TryParse(coding.Code, out _));
        });
    }
}
