using Npgsql;

namespace SendInterop.Indicators.Bench;

/// <summary>
/// Subjects mode: prints the LA codes to time, taken from the loaded rows: the LA with the most plans (Kent with the DfE
/// sizes) and a small one, the LA at the 5th percentile of plans (the very smallest, Isles of Scilly with 17 plans, is
/// not a typical small LA).
/// </summary>
public static class LaChoice
{
    public static async Task PrintAsync(string connection)
    {
        await using var c = new NpgsqlConnection(connection);
        await c.OpenAsync();
        await using var cmd = new NpgsqlCommand("SELECT la_code FROM ind_plan WHERE la_code IS NOT NULL GROUP BY la_code ORDER BY count(*), la_code", c);
        var codes = new List<string>();
        await using (var r = await cmd.ExecuteReaderAsync())
            while (await r.ReadAsync()) codes.Add(r.GetString(0));
        if (codes.Count == 0) throw new InvalidOperationException("no plans loaded");
        Console.WriteLine(codes[^1] + " " + codes[(int)Math.Floor(codes.Count * 0.05)]);
    }
}
