namespace SendInterop.Domain.Identity.Linkage.Scoring;

/// <summary>
/// The answer to "why were these two records joined (or not)": the match weight and probability, the band, and for
/// every comparison the level chosen and the weight it added. <see cref="PriorWeight"/> plus the sum of
/// <see cref="ComparisonContribution.TotalWeight"/> equals <see cref="MatchWeight"/>.
/// </summary>
public sealed record PairScore(
    string LeftId,
    string RightId,
    double MatchWeight,
    double MatchProbability,
    MatchBand Band,
    double PriorWeight,
    IReadOnlyList<ComparisonContribution> Contributions,
    IReadOnlyList<string> Rules)
{
    /// <summary>A few lines for a reviewer or a log: total, then each comparison that moved the score.</summary>
    public string Summary()
    {
        var lines = new List<string>
        {
            $"{LeftId} ~ {RightId}: {Band}, probability {MatchProbability:0.######}, match weight {MatchWeight:+0.00;-0.00} (prior {PriorWeight:+0.00;-0.00})",
        };
        foreach (var c in Contributions)
        {
            if (c.Level != "null")
            {
                var tf = c.TermFrequencyAdjustment == 0 ? "" : $" (incl. term frequency {c.TermFrequencyAdjustment:+0.00;-0.00})";
                lines.Add($"  {c.Comparison}: {c.Level} {c.TotalWeight:+0.00;-0.00}{tf}");
            }
        }
        foreach (var rule in Rules)
        {
            lines.Add($"  rule: {rule}");
        }
        return string.Join(Environment.NewLine, lines);
    }
}

/// <summary>
/// One comparison's part in a pair's score. <see cref="Weight"/> = log2(m / u) of the level;
/// <see cref="TermFrequencyAdjustment"/> is added on a frequency-adjusted exact match. Values are included only when
/// the caller asks (they are personal data; a review screen shows them, a log must not).
/// </summary>
public sealed record ComparisonContribution(
    string Comparison,
    string Level,
    string Description,
    double M,
    double U,
    double Weight,
    double TermFrequencyAdjustment,
    string? LeftValue = null,
    string? RightValue = null)
{
    public double TotalWeight => Weight + TermFrequencyAdjustment;
}
