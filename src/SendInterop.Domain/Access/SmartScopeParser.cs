using System.Diagnostics.CodeAnalysis;
using System.Text;
using Hl7.Fhir.Model;

namespace SendInterop.Domain.Access;

/// <summary>
/// The one parser for SMART App Launch v2 scopes (scopes-and-launch-context): resource scopes
/// <c>(patient|user|system)/(Type|*).(cruds subset)[?param=value&amp;...]</c>, the v1 forms <c>.read</c>,
/// <c>.write</c> and <c>.*</c>, and the non-resource scopes in <see cref="SmartNonResourceScopes"/>.
/// </summary>
/// <remarks>
/// Strict by design: the specification lets a server ignore, replace or reject a scope with undefined or
/// out-of-order permissions, and for a gateway that guards children's records the safe reading of a scope
/// it cannot understand is no access. So contexts, resource types and permission letters are case-sensitive,
/// permissions must be a non-empty subset of <c>cruds</c> in that order with no repeats, and a query suffix
/// must be one or more well-formed, percent-decodable <c>param=value</c> items. A literal <c>+</c> stays a
/// plus (scopes are not form-encoded).
/// </remarks>
public static class SmartScopeParser
{
    /// <summary>Longest single scope accepted; longer ones are refused before any other work.</summary>
    public const int MaxScopeLength = 1024;

    private static readonly HashSet<string> ConcreteResourceTypes = new(ModelInfo.SupportedResources, StringComparer.Ordinal);

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Parses one resource scope. The error names the first problem found and the text at fault.</summary>
    public static bool TryParse(string? scope, [NotNullWhen(true)] out SmartScope? result, out string error)
    {
        result = null;
        if (string.IsNullOrEmpty(scope)) return Fail("scope is empty", out error);
        if (scope.Length > MaxScopeLength) return Fail($"scope is {scope.Length} characters long; the limit is {MaxScopeLength}", out error);

        for (var i = 0; i < scope.Length; i++)
        {
            var c = scope[i];
            if (c is < '!' or > '~' or '"' or '\\')
                return Fail($"character {Describe(c)} at position {i + 1} is not allowed in an OAuth scope", out error);
        }

        // Only the part before the query can hold the context's '/': constraint values are often URLs.
        var slash = scope.IndexOf('/');
        var firstQuestion = scope.IndexOf('?');
        if (slash < 0 || (firstQuestion >= 0 && firstQuestion < slash))
            return Fail("not a resource scope: expected context/resourceType.permissions", out error);
        if (!TryContext(scope[..slash], out var context, out error)) return false;

        var rest = scope[(slash + 1)..];
        var question = rest.IndexOf('?');
        var head = question < 0 ? rest : rest[..question];
        string? query = question < 0 ? null : rest[(question + 1)..];

        var dot = head.IndexOf('.');
        if (dot < 0) return Fail($"missing '.permissions' after resource type '{head}'", out error);
        var resourceType = head[..dot];
        if (!TryResourceType(resourceType, out error)) return false;

        if (!TryPermissions(head[(dot + 1)..], query is not null, out var permissions, out var isV1, out error)) return false;

        IReadOnlyList<SmartScopeConstraint> constraints = [];
        if (query is not null && !TryQuery(query, out constraints, out error)) return false;

        result = new SmartScope(context, resourceType, permissions, constraints, isV1, scope);
        error = string.Empty;
        return true;
    }

    /// <exception cref="FormatException">The scope is not a valid resource scope; the message names the problem.</exception>
    public static SmartScope Parse(string? scope) =>
        TryParse(scope, out var result, out var error) ? result : throw new FormatException($"'{scope}': {error}");

    /// <summary>
    /// Parses a space-separated scope string. Every token lands in exactly one of the resource scopes, the
    /// recognised non-resource scopes, or the errors; nothing is silently dropped except exact duplicates.
    /// </summary>
    public static ScopeSet ParseMany(string? spaceSeparated)
    {
        if (string.IsNullOrWhiteSpace(spaceSeparated)) return ScopeSet.Empty;

        var resourceScopes = new List<SmartScope>();
        var nonResource = new List<string>();
        var errors = new List<ScopeError>();
        var seen = new HashSet<string>(StringComparer.Ordinal);

        foreach (var token in spaceSeparated.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (!seen.Add(token)) continue;
            var question = token.IndexOf('?');
            var beforeQuery = question < 0 ? token : token[..question];
            if (SmartNonResourceScopes.All.Contains(token))
            {
                nonResource.Add(token);
            }
            else if (token.StartsWith("launch/", StringComparison.Ordinal))
            {
                errors.Add(new ScopeError(token, "launch context scope is not supported; supported are launch/patient and launch/encounter"));
            }
            else if (token.StartsWith("__", StringComparison.Ordinal) || beforeQuery.Contains("://", StringComparison.Ordinal))
            {
                errors.Add(new ScopeError(token, "extension scope is not defined by this server"));
            }
            else if (!beforeQuery.Contains('/'))
            {
                errors.Add(new ScopeError(token,
                    "unknown scope: not a resource scope (context/resourceType.permissions) and not one of "
                    + string.Join(", ", SmartNonResourceScopes.All.Order(StringComparer.Ordinal))));
            }
            else if (TryParse(token, out var scope, out var error))
            {
                resourceScopes.Add(scope);
            }
            else
            {
                errors.Add(new ScopeError(token, error));
            }
        }

        return new ScopeSet(resourceScopes.AsReadOnly(), nonResource.AsReadOnly(), errors.AsReadOnly());
    }

    /// <summary>
    /// Writes a v2 resource scope: <c>context/resourceType.letters</c> plus <c>?param=value&amp;...</c> when there are
    /// constraints. Characters that would break the scope or its query (space, <c>%</c>, <c>&amp;</c>, <c>=</c>,
    /// <c>?</c>, <c>#</c>, <c>+</c>, quotes, backslash, anything outside printable ASCII) are percent-encoded;
    /// <c>|</c>, <c>:</c> and <c>/</c> are left as they are, as in the specification's examples.
    /// </summary>
    /// <exception cref="ArgumentException">Empty resource type, or permissions outside <see cref="SmartPermissions.All"/>.</exception>
    public static string Format(
        SmartContext context,
        string resourceType,
        SmartPermissions permissions,
        IEnumerable<SmartScopeConstraint>? constraints = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(resourceType);
        var text = new StringBuilder()
            .Append(context.ToScopeText()).Append('/').Append(resourceType).Append('.').Append(permissions.ToScopeSuffix());

        var separator = '?';
        foreach (var (parameter, value) in constraints ?? [])
        {
            text.Append(separator);
            Encode(text, parameter);
            text.Append('=');
            Encode(text, value);
            separator = '&';
        }
        return text.ToString();
    }

    private static bool TryContext(string text, out SmartContext context, out string error)
    {
        context = default;
        switch (text)
        {
            case "patient": context = SmartContext.Patient; break;
            case "user": context = SmartContext.User; break;
            case "system": context = SmartContext.System; break;
            case "":
                return Fail("context is missing before '/': expected patient, user or system", out error);
            default:
                var lower = text.ToLowerInvariant();
                return lower is "patient" or "user" or "system"
                    ? Fail($"context '{text}' must be written in lower case ('{lower}')", out error)
                    : Fail($"unknown context '{text}': expected patient, user or system", out error);
        }
        error = string.Empty;
        return true;
    }

    private static bool TryResourceType(string type, out string error)
    {
        if (type.Length == 0) return Fail("resource type is missing between '/' and '.'", out error);
        if (type == SmartScope.AnyResourceType || ConcreteResourceTypes.Contains(type))
        {
            error = string.Empty;
            return true;
        }

        // ModelInfo.IsKnownResource ignores case and accepts the abstract Resource and DomainResource, so it
        // only shapes the message here; the decision is the exact, concrete list above.
        if (ModelInfo.IsKnownResource(type))
        {
            var exact = ConcreteResourceTypes.FirstOrDefault(t => string.Equals(t, type, StringComparison.OrdinalIgnoreCase));
            return exact is not null
                ? Fail($"resource type '{type}' must be written '{exact}' (resource types are case-sensitive)", out error)
                : Fail($"resource type '{type}' is abstract: name a concrete R4 resource type or '*'", out error);
        }
        return Fail($"unknown resource type '{type}': not an R4 resource type or '*'", out error);
    }

    private static bool TryPermissions(string text, bool hasQuery, out SmartPermissions permissions, out bool isV1, out string error)
    {
        SmartPermissions? v1 = text switch
        {
            "read" => SmartPermissionsText.V1Read,
            "write" => SmartPermissionsText.V1Write,
            "*" => SmartPermissions.All,
            _ => null,
        };
        isV1 = v1 is not null;
        permissions = SmartPermissions.None;
        if (v1 is { } v1Permissions)
        {
            if (hasQuery)
                return Fail($"v1 permission '{text}' cannot carry query constraints; use the v2 form '{v1Permissions.ToScopeSuffix()}'", out error);
            permissions = v1Permissions;
            error = string.Empty;
            return true;
        }

        if (text.Length == 0)
            return Fail("permissions are missing after '.': expected an in-order subset of 'cruds'", out error);

        var granted = SmartPermissions.None;
        var last = -1;
        foreach (var c in text)
        {
            var index = SmartPermissionsText.Order.IndexOf(c);
            if (index < 0)
                return Fail($"unknown permission '{c}' in '{text}': expected an in-order subset of 'cruds' or v1 read, write or *", out error);
            if (index == last)
                return Fail($"permission '{c}' is repeated in '{text}'", out error);
            if (index < last)
                return Fail($"permission '{c}' is out of order in '{text}': letters must follow the order c, r, u, d, s", out error);
            granted |= SmartPermissionsText.FromIndex(index);
            last = index;
        }
        permissions = granted;
        error = string.Empty;
        return true;
    }

    private static bool TryQuery(string query, out IReadOnlyList<SmartScopeConstraint> constraints, out string error)
    {
        constraints = [];
        if (query.Length == 0) return Fail("query after '?' is empty: expected param=value[&param=value...]", out error);

        var items = query.Split('&');
        var parsed = new List<SmartScopeConstraint>(items.Length);
        for (var i = 0; i < items.Length; i++)
        {
            var item = items[i];
            if (item.Length == 0) return Fail($"query item {i + 1} is empty (stray '&')", out error);

            var equals = item.IndexOf('=');
            if (equals < 0) return Fail($"query item '{item}' has no '=value'", out error);
            if (equals == 0) return Fail($"query item '{item}' has no parameter name", out error);
            if (equals == item.Length - 1) return Fail($"query item '{item}' has no value", out error);

            if (!TryDecode(item[..equals], out var parameter, out error)
                || !TryDecode(item[(equals + 1)..], out var value, out error))
            {
                error = $"query item '{item}': {error}";
                return false;
            }
            if (!IsParameterName(parameter))
                return Fail($"query parameter '{parameter}' is not a search parameter name (letters, digits, '_', '-', '.', ':')", out error);

            parsed.Add(new SmartScopeConstraint(parameter, value));
        }

        constraints = parsed.AsReadOnly();
        error = string.Empty;
        return true;
    }

    private static bool IsParameterName(string name)
    {
        if (!(char.IsAsciiLetter(name[0]) || name[0] == '_')) return false;
        foreach (var c in name)
            if (!(char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.' or ':')) return false;
        return true;
    }

    private static bool TryDecode(string text, out string decoded, out string error)
    {
        decoded = text;
        error = string.Empty;
        if (!text.Contains('%')) return true;

        var bytes = new List<byte>(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] != '%')
            {
                bytes.Add((byte)text[i]); // the scope was checked to be printable ASCII
                continue;
            }
            if (i + 2 >= text.Length || !char.IsAsciiHexDigit(text[i + 1]) || !char.IsAsciiHexDigit(text[i + 2]))
                return Fail($"'{text[i..Math.Min(i + 3, text.Length)]}' is not a valid percent-encoding", out error);
            bytes.Add(Convert.ToByte(text.Substring(i + 1, 2), 16));
            i += 2;
        }

        try
        {
            decoded = StrictUtf8.GetString(bytes.ToArray());
        }
        catch (DecoderFallbackException)
        {
            decoded = text;
            return Fail("percent-encoded bytes are not valid UTF-8", out error);
        }

        foreach (var c in decoded)
            if (char.IsControl(c))
            {
                decoded = text;
                return Fail($"decodes to control character {Describe(c)}", out error);
            }
        return true;
    }

    private static void Encode(StringBuilder text, string value)
    {
        Span<byte> utf8 = stackalloc byte[4];
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c is > ' ' and <= '~' and not ('"' or '%' or '&' or '=' or '?' or '#' or '+' or '\\'))
            {
                text.Append(c);
                continue;
            }
            var length = char.IsSurrogatePair(value, i)
                ? Encoding.UTF8.GetBytes(value.AsSpan(i++, 2), utf8)
                : Encoding.UTF8.GetBytes(value.AsSpan(i, 1), utf8);
            foreach (var b in utf8[..length]) text.Append('%').Append(b.ToString("X2"));
        }
    }

    private static string Describe(char c) => c is >= ' ' and <= '~' ? $"'{c}' (U+{(int)c:X4})" : $"U+{(int)c:X4}";

    private static bool Fail(string message, out string error)
    {
        error = message;
        return false;
    }
}
