namespace SendInterop.Domain.Identity.Linkage.Evaluation;

/// <summary>
/// Reads Splink's synthetic person data (../shared/data/splink-fake: unique_id, first_name, surname, dob, city, email,
/// cluster) into linkage records plus the true cluster of each. The files are plain CSV without quoted commas; a
/// quoted field is still handled so a re-export does not break the benchmark.
/// </summary>
public static class SplinkFakeCsv
{
    public sealed record Dataset(IReadOnlyList<LinkageRecord> Records, IReadOnlyList<int> Clusters);

    public static Dataset Load(string path)
    {
        using var reader = new StreamReader(path);
        var header = reader.ReadLine() ?? throw new InvalidDataException($"{path} is empty.");
        var columns = Split(header);
        int Column(string name) =>
            columns.IndexOf(name) is var i and >= 0 ? i : throw new InvalidDataException($"{path} has no '{name}' column.");
        int id = Column("unique_id"), first = Column("first_name"), surname = Column("surname"), dob = Column("dob"),
            city = Column("city"), email = Column("email"), cluster = Column("cluster");
        var records = new List<LinkageRecord>();
        var clusters = new List<int>();
        string? line;
        while ((line = reader.ReadLine()) is not null)
        {
            if (line.Length == 0)
            {
                continue;
            }
            var f = Split(line);
            records.Add(new LinkageRecord
            {
                Id = f[id],
                GivenNames = NullIfEmpty(f[first]),
                FamilyName = NullIfEmpty(f[surname]),
                BirthDate = PartialDate.TryParse(f[dob]),
                City = NullIfEmpty(f[city]),
                Email = NullIfEmpty(f[email]),
            });
            clusters.Add(int.Parse(f[cluster], System.Globalization.CultureInfo.InvariantCulture));
        }
        return new Dataset(records, clusters);
    }

    private static string? NullIfEmpty(string value) => string.IsNullOrWhiteSpace(value) ? null : value;

    private static List<string> Split(string line)
    {
        var fields = new List<string>();
        var current = new System.Text.StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var ch = line[i];
            if (quoted)
            {
                if (ch == '"' && i + 1 < line.Length && line[i + 1] == '"')
                {
                    current.Append('"');
                    i++;
                }
                else if (ch == '"')
                {
                    quoted = false;
                }
                else
                {
                    current.Append(ch);
                }
            }
            else if (ch == '"')
            {
                quoted = true;
            }
            else if (ch == ',')
            {
                fields.Add(current.ToString());
                current.Clear();
            }
            else
            {
                current.Append(ch);
            }
        }
        fields.Add(current.ToString());
        return fields;
    }
}
