namespace SendInterop.Domain.Access.Gate;

/// <summary>Reads the id out of a relative reference such as <c>Patient/123</c> (or <c>Patient/123/_history/2</c>).</summary>
internal static class FhirReferences
{
    private const string History = "/_history/";

    /// <summary>
    /// The id when <paramref name="reference"/> is a relative reference to <paramref name="resourceType"/>; null for
    /// other types, absolute URLs, contained (<c>#x</c>) and logical references, which the gate cannot resolve.
    /// </summary>
    public static string? IdOf(string? reference, string resourceType)
    {
        if (reference is null
            || reference.Length <= resourceType.Length + 1
            || !reference.StartsWith(resourceType, StringComparison.Ordinal)
            || reference[resourceType.Length] != '/') return null;

        var rest = reference.AsSpan(resourceType.Length + 1);
        var history = rest.IndexOf(History, StringComparison.Ordinal);
        if (history >= 0) rest = rest[..history];
        return rest.IsEmpty || rest.Contains('/') ? null : rest.ToString();
    }
}
