namespace SendInterop.Domain.Identity.Linkage.Comparisons;

/// <summary>
/// A field comparison in the Fellegi-Sunter model: it sorts every record pair into exactly one of its ordered
/// levels (the first level whose test holds). Level 0 is always the null level. Implementations are stateless and
/// thread-safe: the pair loop calls <see cref="Compare"/> from several threads.
/// </summary>
public abstract class Comparison
{
    protected Comparison(string name, IReadOnlyList<ComparisonLevel> levels)
    {
        if (levels.Count is < 2 or > 16 || !levels[0].IsNull)
        {
            // 4 bits per comparison in a packed level pattern (Training/LevelPattern); level 0 is null by convention.
            throw new ArgumentException("A comparison has a null level first and at most 16 levels.", nameof(levels));
        }
        Name = name;
        Levels = levels;
    }

    /// <summary>Stable name used in configuration overrides and explanations ("given_name").</summary>
    public string Name { get; }

    public IReadOnlyList<ComparisonLevel> Levels { get; }

    /// <summary>The index of the level this pair falls into.</summary>
    public abstract int Compare(PreparedRecord a, PreparedRecord b);

    /// <summary>
    /// The level whose weight is adjusted by the frequency of the agreed value (exact match on a name), or -1.
    /// Agreeing on "SMITH" is weaker evidence than agreeing on "ZBOROWSKI".
    /// </summary>
    public virtual int TermFrequencyLevel => -1;

    /// <summary>The value whose frequency adjusts <see cref="TermFrequencyLevel"/>; null when not adjusted.</summary>
    public virtual string? TermFrequencyValue(PreparedRecord record) => null;

    /// <summary>The compared values of one record, for explanations ("JULIA", "2015-10-29").</summary>
    public abstract string? Describe(PreparedRecord record);

    public int LevelIndex(string label)
    {
        for (var i = 0; i < Levels.Count; i++)
        {
            if (string.Equals(Levels[i].Label, label, StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }
        return -1;
    }
}
