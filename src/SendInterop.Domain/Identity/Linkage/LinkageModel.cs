using SendInterop.Domain.Identity.Linkage.Comparisons;
using SendInterop.Domain.Identity.Linkage.Training;

namespace SendInterop.Domain.Identity.Linkage;

/// <summary>
/// A trained Fellegi-Sunter model: for every comparison level, m = P(level | same person) and u = P(level | different
/// people), plus λ = P(two random records are the same person). A pair's match weight is
/// log2(λ / (1 - λ)) + Σ log2(m / u) over its levels (plus term-frequency adjustments); null levels add 0.
/// Immutable; share one instance between threads.
/// </summary>
public sealed class LinkageModel
{
    private readonly double[][] _m;
    private readonly double[][] _u;
    private readonly double[][] _weights;

    internal LinkageModel(IReadOnlyList<Comparison> comparisons, double[][] m, double[][] u, double lambda, TrainingReport? training,
        int? trainingRecordCount = null)
    {
        Comparisons = comparisons;
        TrainingRecordCount = trainingRecordCount;
        _m = m;
        _u = u;
        ProbabilityTwoRandomRecordsMatch = lambda;
        PriorWeight = Math.Log2(lambda / (1 - lambda));
        Training = training;
        _weights = new double[comparisons.Count][];
        for (var c = 0; c < comparisons.Count; c++)
        {
            _weights[c] = new double[comparisons[c].Levels.Count];
            for (var l = 1; l < _weights[c].Length; l++)
            {
                _weights[c][l] = Math.Log2(m[c][l] / u[c][l]);
            }
        }
    }

    public IReadOnlyList<Comparison> Comparisons { get; }

    /// <summary>λ: the prior probability that two records drawn at random are the same person.</summary>
    public double ProbabilityTwoRandomRecordsMatch { get; }

    /// <summary>log2(λ / (1 - λ)): the match weight of a pair before any field is compared.</summary>
    public double PriorWeight { get; }

    /// <summary>
    /// Records in the set λ was estimated on. λ scales as 1 / records (each child has a few records whatever the
    /// set's size), so an index of another size rescales it (<see cref="ForRecordCount"/>).
    /// </summary>
    public int? TrainingRecordCount { get; }

    /// <summary>How the model was trained (null when loaded from parameters).</summary>
    public TrainingReport? Training { get; }

    public double M(int comparison, int level) => _m[comparison][level];

    public double U(int comparison, int level) => _u[comparison][level];

    /// <summary>log2(m / u) of a level; 0 for the null level.</summary>
    public double LevelWeight(int comparison, int level) => _weights[comparison][level];

    internal double[][] Weights => _weights;

    /// <summary>Posterior match probability of a match weight.</summary>
    public static double Probability(double matchWeight) => 1.0 / (1.0 + Math.Pow(2, -matchWeight));

    /// <summary>The match weight at which the posterior equals <paramref name="probability"/>.</summary>
    public static double WeightOf(double probability) => Math.Log2(probability / (1 - probability));

    /// <summary>
    /// The same m and u with λ rescaled for a set of <paramref name="recordCount"/> records: the expected number of
    /// other records of the same child, λ × (N_train - 1), is what carries over between set sizes.
    /// </summary>
    public LinkageModel ForRecordCount(int recordCount)
    {
        if (TrainingRecordCount is not { } trained || trained < 2 || recordCount < 2 || recordCount == trained)
        {
            return this;
        }
        var lambda = Math.Clamp(ProbabilityTwoRandomRecordsMatch * (trained - 1) / (recordCount - 1), 1e-12, 0.5);
        return new LinkageModel(Comparisons, _m, _u, lambda, Training, recordCount);
    }

    /// <summary>The parameters as plain data: save a trained model, or review and override it in configuration.</summary>
    public ModelParameters ToParameters()
    {
        var comparisons = new List<ComparisonParameters>(Comparisons.Count);
        for (var c = 0; c < Comparisons.Count; c++)
        {
            var levels = new List<LevelParameters>();
            for (var l = 1; l < Comparisons[c].Levels.Count; l++)
            {
                levels.Add(new LevelParameters(Comparisons[c].Levels[l].Label, _m[c][l], _u[c][l]));
            }
            comparisons.Add(new ComparisonParameters(Comparisons[c].Name, levels));
        }
        return new ModelParameters(ProbabilityTwoRandomRecordsMatch, comparisons, TrainingRecordCount);
    }

    /// <summary>
    /// Rebuilds a model from saved parameters for the given comparison set (default: <see cref="DefaultComparisons"/>).
    /// Every comparison and level must be present by name: a model saved for other comparisons is refused, not guessed.
    /// </summary>
    public static LinkageModel FromParameters(ModelParameters parameters, IReadOnlyList<Comparison>? comparisons = null)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        comparisons ??= DefaultComparisons.Create();
        var m = new double[comparisons.Count][];
        var u = new double[comparisons.Count][];
        for (var c = 0; c < comparisons.Count; c++)
        {
            var comparison = comparisons[c];
            var saved = parameters.Comparisons.FirstOrDefault(p => p.Name == comparison.Name)
                ?? throw new ArgumentException($"No parameters for comparison '{comparison.Name}'.");
            m[c] = new double[comparison.Levels.Count];
            u[c] = new double[comparison.Levels.Count];
            for (var l = 1; l < comparison.Levels.Count; l++)
            {
                var level = saved.Levels.FirstOrDefault(p => p.Label == comparison.Levels[l].Label)
                    ?? throw new ArgumentException($"No parameters for level '{comparison.Name}/{comparison.Levels[l].Label}'.");
                if (!(level.M > 0 && level.M <= 1 && level.U > 0 && level.U <= 1))
                {
                    throw new ArgumentException($"m and u of '{comparison.Name}/{level.Label}' must be in (0, 1].");
                }
                m[c][l] = level.M;
                u[c][l] = level.U;
            }
        }
        if (!(parameters.ProbabilityTwoRandomRecordsMatch is > 0 and < 1))
        {
            throw new ArgumentException("ProbabilityTwoRandomRecordsMatch must be in (0, 1).");
        }
        return new LinkageModel(comparisons, m, u, parameters.ProbabilityTwoRandomRecordsMatch, null, parameters.TrainingRecordCount);
    }
}

/// <summary>A model as data (JSON, configuration). <see cref="TrainingRecordCount"/> lets λ be rescaled to another set size.</summary>
public sealed record ModelParameters(double ProbabilityTwoRandomRecordsMatch, IReadOnlyList<ComparisonParameters> Comparisons, int? TrainingRecordCount = null);

public sealed record ComparisonParameters(string Name, IReadOnlyList<LevelParameters> Levels);

/// <summary>One level's m and u; <see cref="Weight"/> = log2(m / u), the evidence it adds to a pair.</summary>
public sealed record LevelParameters(string Label, double M, double U)
{
    public double Weight => Math.Log2(M / U);
}
