namespace SendInterop.Domain.Identity.Linkage.Training;

/// <summary>What training did: sample and blocked pair counts, EM iterations and whether it converged, the estimated
/// prior, and the λ and largest parameter change after each iteration (to check convergence).</summary>
public sealed record TrainingReport(
    long SampledPairs,
    int SamplePatterns,
    long BlockedPairs,
    int BlockedPatterns,
    int Iterations,
    bool Converged,
    double ProbabilityTwoRandomRecordsMatch,
    double ExpectedMatchingPairs,
    IReadOnlyList<EmIteration> History,
    TimeSpan SamplingTime,
    TimeSpan EmTime);

public sealed record EmIteration(int Iteration, double Lambda, double MaxParameterChange);
