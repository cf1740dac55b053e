using SendInterop.Domain.Identity.Linkage;
using SendInterop.Domain.Identity.Linkage.Scoring;

namespace SendInterop.Linkage.Bench;

/// <summary>Prints false auto-links and missed true pairs with their explanations (for looking at errors, not tuning).</summary>
internal static class Errors
{
    public static void Print(LinkageResult result, IReadOnlyList<int> truth, int max)
    {
        Console.WriteLine("False auto-links:");
        Show(result, k => result.Bands[k] == MatchBand.AutoLink && truth[result.Pairs.Left[k]] != truth[result.Pairs.Right[k]], max);
        Console.WriteLine("Missed blocked true pairs (no link):");
        Show(result, k => result.Bands[k] == MatchBand.NoLink && truth[result.Pairs.Left[k]] == truth[result.Pairs.Right[k]], max);
    }

    private static void Show(LinkageResult result, Func<int, bool> select, int max)
    {
        var shown = 0;
        for (var k = 0; k < result.Pairs.Count && shown < max; k++)
        {
            if (!select(k))
            {
                continue;
            }
            shown++;
            var score = result.Explain(k, includeValues: true);
            Console.WriteLine(score.Summary());
            foreach (var c in score.Contributions)
            {
                if (c.LeftValue is not null || c.RightValue is not null)
                {
                    Console.WriteLine($"     {c.Comparison}: {c.LeftValue} | {c.RightValue}");
                }
            }
        }
    }
}
