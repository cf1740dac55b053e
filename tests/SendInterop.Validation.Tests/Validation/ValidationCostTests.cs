using System.Diagnostics;
using Hl7.Fhir.Model;
using Task = System.Threading.Tasks.Task;

namespace SendInterop.Validation.Tests.Validation;

/// <summary>Keeps the cost measurement off the cores other test classes are using.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ValidationCostCollection
{
    public const string Name = "validation cost";
}

/// <summary>Prints what validation costs per resource once warm. Measured, never asserted: CI machines vary.</summary>
[Collection(ValidationCostCollection.Name)]
public class ValidationCostTests(SendValidatorFixture fixture, ITestOutputHelper output) : IClassFixture<SendValidatorFixture>
{
    [Fact]
    public async Task Validation_cost_per_resource_is_reported()
    {
        var validator = fixture.Validator;
        var warm = Stopwatch.StartNew();
        await validator.WarmUpAsync();
        output.WriteLine($"warm-up (conformance load, snapshots, {validator.MaxConcurrency} validators, each SEND profile twice per thread): {warm.ElapsedMilliseconds} ms");
        output.WriteLine($"managed heap after warm-up (whole test process): {GC.GetTotalMemory(forceFullCollection: true) / (1024 * 1024)} MiB");

        await Measure("Patient (send-child)", SendResources.Child);
        await Measure("CarePlan (send-ehc-plan)", SendResources.EhcPlan);
        await Measure("Goal (send-outcome)", SendResources.Outcome);
        await Measure("Condition (send-need)", SendResources.Need);

        // Throughput with every validation thread busy.
        const int total = 200;
        var concurrent = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, total).Select(i => validator.ValidateAsync(i % 2 == 0 ? SendResources.Child() : SendResources.EhcPlan())));
        output.WriteLine($"{total} mixed Patient/CarePlan validations on {validator.MaxConcurrency} threads: {concurrent.Elapsed.TotalMilliseconds / total:F2} ms each (wall)");

        async Task Measure(string label, Func<Resource> build)
        {
            // The first validations of a shape on each thread compile schemas and JIT code paths; report that
            // separately from the steady state a busy gateway sees.
            var cold = Stopwatch.StartNew();
            await validator.ValidateAsync(build());
            var coldMs = cold.Elapsed.TotalMilliseconds;
            for (var i = 0; i < 50; i++)
            {
                await validator.ValidateAsync(build());
            }

            const int runs = 200;
            var stopwatch = Stopwatch.StartNew();
            for (var i = 0; i < runs; i++)
            {
                await validator.ValidateAsync(build());
            }

            output.WriteLine($"{label}: {stopwatch.Elapsed.TotalMilliseconds / runs:F2} ms per validation (mean of {runs} sequential, after 50 warm; first after warm-up {coldMs:F1} ms)");
        }
    }
}
