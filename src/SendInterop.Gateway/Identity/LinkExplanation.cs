using System.Text.Json;
using System.Text.Json.Serialization;
using SendInterop.Domain.Identity.Linkage.Scoring;

namespace SendInterop.Gateway.Identity;

/// <summary>
/// The linkage engine's explanation of a pair as it is stored with a link and shown on a review Task: the prior, each
/// comparison's level and weight, and the rules that fired. Built from <see cref="PairScore"/> without its field values
/// (those are personal data and are never copied out of the Patients themselves).
/// </summary>
public sealed record LinkExplanation(
    [property: JsonPropertyName("probability")] double Probability,
    [property: JsonPropertyName("weight")] double Weight,
    [property: JsonPropertyName("band")] string Band,
    [property: JsonPropertyName("prior")] double Prior,
    [property: JsonPropertyName("fields")] IReadOnlyList<LinkExplanation.Field> Fields,
    [property: JsonPropertyName("rules")] IReadOnlyList<string> Rules)
{
    /// <summary>One comparison: its level and the weight it added (log2 m/u plus any term-frequency adjustment).</summary>
    public sealed record Field(
        [property: JsonPropertyName("comparison")] string Comparison,
        [property: JsonPropertyName("level")] string Level,
        [property: JsonPropertyName("weight")] double Weight);

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = false };

    public static LinkExplanation From(PairScore score) => new(
        Math.Round(score.MatchProbability, 6),
        Math.Round(score.MatchWeight, 3),
        score.Band.ToString(),
        Math.Round(score.PriorWeight, 3),
        // Comparisons at the null level (a field missing on either side) add nothing and explain nothing.
        score.Contributions.Where(c => c.Level != "null").Select(c => new Field(c.Comparison, c.Level, Math.Round(c.TotalWeight, 3))).ToList(),
        score.Rules.ToList());

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public static LinkExplanation? Parse(string? json) => json is null ? null : JsonSerializer.Deserialize<LinkExplanation>(json, Json);

    /// <summary>A line a reviewer can read ("given_name exact +4.1; date_of_birth exact +7.9; ...").</summary>
    public string Summary() =>
        $"{Band}, probability {Probability:0.####}, weight {Weight:+0.00;-0.00} (prior {Prior:+0.00;-0.00}): "
        + string.Join("; ", Fields.Select(f => $"{f.Comparison} {f.Level} {f.Weight:+0.00;-0.00}"))
        + (Rules.Count > 0 ? "; rules: " + string.Join(", ", Rules) : "");
}
