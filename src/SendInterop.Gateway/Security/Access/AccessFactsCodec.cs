using System.Text.Json;
using SendInterop.Domain.Access.Gate;

namespace SendInterop.Gateway.Security.Access;

/// <summary>
/// Stores a resource's access facts as a short JSON text beside the resource (the Access column), and reads them back.
/// The text leaves out the type and id (columns of their own). Decoding is a plain parse of ~150 bytes: a cache keyed
/// by the text would miss almost always (the child and the date make each text unique) and cost a shared lock.
/// </summary>
public sealed class AccessFactsCodec
{
    private sealed record Wire(string? O, string? A, string C, string[]? L, string? P, long? D, string[]? K, string[]? N);

    public static string Encode(ResourceFacts f) => JsonSerializer.Serialize(new Wire(
        f.OwnerOrganisation, f.OwnerAgency, f.DataClass,
        f.Labels.Count == 0 ? null : f.Labels.Select(l => $"{l.System}|{l.Code}").ToArray(),
        f.ChildId, f.DataDate?.UtcTicks,
        f.Codes.Count == 0 ? null : f.Codes.Select(c => $"{c.System}|{c.Code}").ToArray(),
        f.NamedOrganisations.Count == 0 ? null : f.NamedOrganisations.ToArray()), WireJson.Options);

    /// <summary>
    /// The facts of a stored row. A row with no facts (written before the gate existed) is owned by nobody and of the
    /// health class: only the gateway itself and a break-glass can see it.
    /// </summary>
    public ResourceFacts Decode(string resourceType, string resourceId, string? text)
    {
        if (string.IsNullOrEmpty(text)) return Legacy(resourceType, resourceId);
        return Parse(resourceType, resourceId, text);
    }

    private static ResourceFacts Parse(string resourceType, string resourceId, string text)
    {
        var w = JsonSerializer.Deserialize<Wire>(text, WireJson.Options) ?? throw new InvalidOperationException("Empty access facts.");
        return new ResourceFacts(resourceType, resourceId, w.O, w.A, w.C,
            (w.L ?? []).Select(SplitLabel).ToArray(), w.P,
            w.D is { } d ? new DateTimeOffset(d, TimeSpan.Zero) : null,
            (w.K ?? []).Select(s => { var l = SplitLabel(s); return new DataCode(l.System, l.Code); }).ToArray(),
            w.N ?? []);
    }

    private static SecurityLabel SplitLabel(string s)
    {
        var bar = s.LastIndexOf('|');
        return bar < 0 ? new SecurityLabel("", s) : new SecurityLabel(s[..bar], s[(bar + 1)..]);
    }

    private static ResourceFacts Legacy(string type, string id) => new(type, id, null, null, DataClasses.Health, [], null, null, [], []);

    private static class WireJson
    {
        public static readonly JsonSerializerOptions Options = new()
        {
            PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
            DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
        };
    }
}
