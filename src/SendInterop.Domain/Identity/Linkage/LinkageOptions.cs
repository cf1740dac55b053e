namespace SendInterop.Domain.Identity.Linkage;

/// <summary>
/// Settings of the linkage engine, shaped for configuration binding (section "Identity:Linkage" in the gateway).
/// Thresholds are posterior match probabilities, not raw weights, so they keep their meaning when the record set,
/// and with it the prior, changes (docs/identity.md, "Thresholds").
/// </summary>
public sealed class LinkageOptions
{
    /// <summary>At or above this match probability a pair is linked without a person (odds 99:1).</summary>
    public double AutoLinkProbability { get; set; } = 0.99;

    /// <summary>At or above this (and below auto-link) a pair goes to human review; below it, no link.</summary>
    public double ReviewProbability { get; set; } = 0.5;

    /// <summary>Random pairs compared to estimate u (Splink's default is a million).</summary>
    public int RandomPairSampleSize { get; set; } = 1_000_000;

    /// <summary>Seed of the random pair sample: the same data and seed train the same model.</summary>
    public int Seed { get; set; } = 20_260_806;

    public int MaxIterations { get; set; } = 100;

    /// <summary>EM stops when no m or u moves by more than this between iterations.</summary>
    public double ConvergenceTolerance { get; set; } = 1e-5;

    /// <summary>
    /// True (default): u is refined during EM from the random sample, each sampled pair counting toward u with
    /// weight (1 - its match probability), so true matches among random pairs (common in small, duplicate-heavy sets)
    /// stop inflating u. False: u stays as sampled (Splink's behaviour).
    /// </summary>
    public bool RefineUWithEm { get; set; } = true;

    /// <summary>Pseudo-pairs of the comparison levels' prior m added to each m estimate: keeps rare levels sane.</summary>
    public double MPriorStrength { get; set; } = 10;

    /// <summary>Pseudo-pairs spread evenly over levels when estimating u: no level gets u = 0 (an infinite weight).</summary>
    public double USmoothing { get; set; } = 1;

    /// <summary>Fixes the prior λ (probability two random records match) instead of estimating it.</summary>
    public double? ProbabilityTwoRandomRecordsMatch { get; set; }

    public bool TermFrequencyAdjustments { get; set; } = true;

    /// <summary>Scales term-frequency adjustments (0 = off, 1 = full, as Splink's tf_adjustment_weight).</summary>
    public double TermFrequencyWeight { get; set; } = 1.0;

    /// <summary>Blocks with more records than this are skipped and reported (a placeholder value shared by many).</summary>
    public int MaxBlockSize { get; set; } = 1000;

    /// <summary>
    /// Same family name, clearly different given names, and the same (twins) or a clearly different (siblings) date of
    /// birth: never auto-linked, and taken as a non-match when training.
    /// </summary>
    public bool HouseholdGuard { get; set; } = true;

    /// <summary>Two verified NHS numbers decide alone: equal links, different never links.</summary>
    public bool VerifiedNhsNumberDecides { get; set; } = true;

    /// <summary>
    /// Clustering refuses to join two groups when any cross pair is below this match probability (0 = only the twin
    /// guard and verified-NHS conflicts refuse). Guards against chaining A-B-C where A and C are clearly different.
    /// </summary>
    public double ClusterCannotLinkBelowProbability { get; set; }

    /// <summary>
    /// Clustering joins two groups of records only when the mean match probability over every cross pair reaches
    /// this (average linkage), so one weak pair cannot chain two children together. 0 = plain connected components.
    /// </summary>
    public double ClusterMinimumMeanProbability { get; set; } = 0.5;

    /// <summary>How cross pairs are summarised for <see cref="ClusterMinimumMeanProbability"/>.</summary>
    public Clustering.ClusterLinkage ClusterLinkage { get; set; } = Clustering.ClusterLinkage.BestPartner;

    /// <summary>Threads for pair comparison; null = all cores.</summary>
    public int? DegreeOfParallelism { get; set; }

    /// <summary>Fixed m and/or u for named levels: they are not trained and override what the data says.</summary>
    public List<LevelOverride> Overrides { get; set; } = [];

    internal int Parallelism => DegreeOfParallelism is > 0 ? DegreeOfParallelism.Value : Environment.ProcessorCount;

    /// <summary>Throws when the settings contradict each other; call once at start-up.</summary>
    public void Validate()
    {
        if (!(ReviewProbability > 0 && ReviewProbability <= AutoLinkProbability && AutoLinkProbability < 1))
        {
            throw new ArgumentException("Need 0 < ReviewProbability <= AutoLinkProbability < 1.");
        }
        if (RandomPairSampleSize < 1000 || MaxIterations < 1 || ConvergenceTolerance <= 0 || MaxBlockSize < 2)
        {
            throw new ArgumentException("RandomPairSampleSize >= 1000, MaxIterations >= 1, ConvergenceTolerance > 0, MaxBlockSize >= 2.");
        }
        if (ProbabilityTwoRandomRecordsMatch is { } l && !(l > 0 && l < 1))
        {
            throw new ArgumentException("ProbabilityTwoRandomRecordsMatch must be in (0, 1).");
        }
        foreach (var o in Overrides)
        {
            if (o.M is { } m && !(m > 0 && m < 1) || o.U is { } u && !(u > 0 && u < 1))
            {
                throw new ArgumentException($"Override {o.Comparison}/{o.Level}: m and u must be in (0, 1).");
            }
        }
    }
}

/// <summary>A configured m and/or u for one comparison level, e.g. { Comparison: "date_of_birth", Level: "exact", M: 0.95 }.</summary>
public sealed class LevelOverride
{
    public string Comparison { get; set; } = "";

    public string Level { get; set; } = "";

    public double? M { get; set; }

    public double? U { get; set; }
}
