using System.Text;

namespace SendInterop.Domain.Indicators;

/// <summary>
/// A minimal RFC 4180 reader for the DfE files: comma-separated, double-quoted fields with doubled quotes inside and
/// commas or line breaks in quotes (LA names such as "Bristol, City of"; the tribunal table's "1,071"). A leading BOM is skipped.
/// </summary>
internal static class TidyCsv
{
    public static IEnumerable<IReadOnlyList<string>> Read(TextReader reader)
    {
        var fields = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        var any = false;
        int c;
        if (reader.Peek() == '\uFEFF') reader.Read();
        while ((c = reader.Read()) != -1)
        {
            any = true;
            var ch = (char)c;
            if (quoted)
            {
                if (ch == '"')
                {
                    if (reader.Peek() == '"') { field.Append('"'); reader.Read(); }
                    else quoted = false;
                }
                else field.Append(ch);
                continue;
            }

            switch (ch)
            {
                case '"': quoted = true; break;
                case ',': fields.Add(field.ToString()); field.Clear(); break;
                case '\r': break;
                case '\n':
                    fields.Add(field.ToString());
                    field.Clear();
                    yield return fields;
                    fields = [];
                    any = false;
                    break;
                default: field.Append(ch); break;
            }
        }

        if (any)
        {
            fields.Add(field.ToString());
            yield return fields;
        }
    }
}
