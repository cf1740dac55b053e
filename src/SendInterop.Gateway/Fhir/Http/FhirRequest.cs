using Hl7.Fhir.Model;
using SendInterop.Gateway.Security.Access;

namespace SendInterop.Gateway.Fhir.Http;

/// <summary>What a FHIR interaction needs from a request, whether it came over HTTP or inside a Bundle entry.</summary>
public sealed class FhirRequest
{
    public required string Method { get; init; }
    public required FhirUrl Url { get; init; }
    public string? IfMatch { get; init; }
    public string? IfNoneExist { get; init; }
    public PreferReturn PreferReturn { get; init; } = PreferReturn.Representation;
    public bool StrictHandling { get; init; }
    /// <summary>The parsed body, for create, update and operations that take a resource.</summary>
    public Resource? Resource { get; init; }
    /// <summary>The raw body and its media type, for PATCH (JSON Patch documents are not FHIR resources).</summary>
    public byte[]? RawBody { get; init; }
    public string? ContentType { get; init; }
    /// <summary>Absolute base of the FHIR API, e.g. https://host/fhir, for Location, fullUrl and links.</summary>
    public required string BaseUrl { get; init; }
    /// <summary>Who asks, and the consent gate's decisions for this request (shared by a Bundle's entries).</summary>
    public required AccessSession Access { get; init; }
    /// <summary>
    /// When set, a transaction hands its committed writes to this instead of running the commit handlers itself; the
    /// caller runs them later for many transactions at once (a bulk import). Null: handlers run before the answer.
    /// </summary>
    public Interactions.DeferredCommitWork? DeferredCommits { get; init; }

    /// <summary>
    /// False only for resources whose conformance is proven by construction (a SEN2 import's mapped resources, when
    /// <c>Sen2:ValidateMappedResources</c> is off), so a record is validated alike whether it goes in a batch or on its own.
    /// Set by the gateway's own callers, never from HTTP.
    /// </summary>
    public bool ValidateProfiles { get; init; } = true;
}

public enum PreferReturn { Representation, Minimal, OperationOutcome }

/// <summary>A FHIR request URL relative to the base, split into its interaction parts.</summary>
public sealed record FhirUrl(
    string? ResourceType,
    string? Id,
    bool History,
    int? VersionId,
    string? Operation,
    bool SearchPost,
    IReadOnlyList<KeyValuePair<string, string>> Query,
    string? Special)
{
    public static FhirUrl Parse(string relative)
    {
        var q = relative.IndexOf('?');
        var path = (q >= 0 ? relative[..q] : relative).Trim('/');
        var query = q >= 0 ? ParseQuery(relative[(q + 1)..]) : [];
        var segments = path.Length == 0 ? [] : path.Split('/');
        string? type = null, id = null, op = null, special = null;
        bool history = false, searchPost = false;
        int? vid = null;
        int i = 0;
        if (segments.Length > 0)
        {
            var s0 = Uri.UnescapeDataString(segments[0]);
            if (s0 is "metadata" or "_history") { special = s0; history = s0 == "_history"; i = 1; }
            else if (s0.StartsWith('$')) { op = s0; i = 1; }
            else { type = s0; i = 1; }
        }
        if (type is not null && i < segments.Length)
        {
            var s = Uri.UnescapeDataString(segments[i]);
            if (s == "_history") { history = true; i++; }
            else if (s == "_search") { searchPost = true; i++; }
            else if (s.StartsWith('$')) { op = s; i++; }
            else
            {
                id = s; i++;
                if (i < segments.Length)
                {
                    var s2 = Uri.UnescapeDataString(segments[i]);
                    if (s2 == "_history")
                    {
                        history = true; i++;
                        if (i < segments.Length)
                        {
                            if (!int.TryParse(segments[i], out var v) || v < 1)
                                throw Errors.FhirException.BadRequest($"'{segments[i]}' is not a valid version id (a positive integer).");
                            vid = v; i++;
                        }
                    }
                    else if (s2.StartsWith('$')) { op = s2; i++; }
                    else throw Errors.FhirException.BadRequest($"'{relative}' is not a FHIR URL this server understands.");
                }
            }
        }
        if (i < segments.Length) throw Errors.FhirException.BadRequest($"'{relative}' is not a FHIR URL this server understands.");
        return new FhirUrl(type, id, history, vid, op, searchPost, query, special);
    }

    public static List<KeyValuePair<string, string>> ParseQuery(string query)
    {
        var result = new List<KeyValuePair<string, string>>();
        foreach (var pair in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=');
            var key = eq >= 0 ? pair[..eq] : pair;
            var value = eq >= 0 ? pair[(eq + 1)..] : "";
            result.Add(new(Unescape(key), Unescape(value)));
        }
        return result;
    }

    private static string Unescape(string s) => Uri.UnescapeDataString(s.Replace('+', ' '));
}
