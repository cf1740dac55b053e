namespace SendInterop.Domain.Search;

/// <summary>
/// The top-level elements a search parameter's FHIRPath expression can start from on one resource type: for
/// <c>Patient.name | Patient.address.postalCode</c>, {name, address}. When the resource has none of them the expression
/// can only give an empty result, so index extraction skips it instead of evaluating it. That holds only for a path that
/// navigates and filters (<c>.</c>, <c>where</c>, <c>as</c>, <c>ofType</c>, <c>resolve</c>, indexing): anything that can
/// make a value out of nothing (<c>exists()</c>, <c>empty()</c>, comparisons, <c>and</c>, ... as in
/// <c>Patient.deceased.exists() and Patient.deceased != false</c>) gives null, and the expression is always evaluated.
/// </summary>
public static class ExpressionRoots
{
    /// <summary>Functions that give nothing when applied to nothing.</summary>
    private static readonly HashSet<string> EmptyPreserving = new(StringComparer.Ordinal) { "where", "as", "ofType", "resolve", "first", "last", "select" };

    /// <summary>Words that combine or compare, which can turn an empty operand into a value.</summary>
    private static readonly HashSet<string> Operators = new(StringComparer.Ordinal) { "and", "or", "xor", "implies", "is", "in", "contains", "div", "mod" };

    public static IReadOnlySet<string>? Of(string? expression, string resourceType)
    {
        if (string.IsNullOrWhiteSpace(expression) || expression.Contains('\'') || expression.Contains('%')) return null;
        var roots = new HashSet<string>(StringComparer.Ordinal);
        foreach (var branch in SearchParameterRegistry.SplitTopLevelUnion(expression))
        {
            // A union inside parentheses ((A.x | A.y).where(...)) is one branch here: not understood.
            if (branch.Contains('|')) return null;
            var text = branch.Trim().TrimStart('(').TrimStart();
            string rest;
            if (text.StartsWith(resourceType + ".", StringComparison.Ordinal)) rest = text[(resourceType.Length + 1)..];
            else if (text.StartsWith("meta.", StringComparison.Ordinal)) rest = text;
            else return null;
            var length = Word(rest, 0);
            // A function right after the type (Patient.where(...)) does not name an element.
            if (length == 0 || CallFollows(rest, length) || !OnlyNavigates(rest)) return null;
            roots.Add(rest[..length]);
        }

        return roots.Count == 0 ? null : roots;
    }

    /// <summary>True when, outside function arguments, the path holds only element names, dots, indexes, <c>as Type</c> and
    /// calls of <see cref="EmptyPreserving"/> functions.</summary>
    private static bool OnlyNavigates(string path)
    {
        var depth = 0;
        for (var i = 0; i < path.Length;)
        {
            var c = path[i];
            if (c == '(') { depth++; i++; continue; }
            if (c == ')') { depth--; i++; continue; }
            if (depth > 0) { i++; continue; }
            var length = Word(path, i);
            if (length > 0)
            {
                var word = path.Substring(i, length);
                i += length;
                if (Operators.Contains(word)) return false;
                if (CallFollows(path, i) && !EmptyPreserving.Contains(word)) return false;
                continue;
            }

            if (c is '.' or ' ' or '[' or ']') { i++; continue; }
            return false;
        }

        return true;
    }

    /// <summary>Whether a '(' follows position <paramref name="at"/>, spaces apart: the word before it is a function.</summary>
    private static bool CallFollows(string text, int at)
    {
        while (at < text.Length && text[at] == ' ') at++;
        return at < text.Length && text[at] == '(';
    }

    private static int Word(string text, int start)
    {
        var i = start;
        while (i < text.Length && (char.IsAsciiLetterOrDigit(text[i]) || text[i] == '_')) i++;
        return i - start;
    }
}
