using Hl7.Fhir.Model;
using SendInterop.Gateway.Fhir.Http;
using SendInterop.Gateway.Fhir.Interactions;
using SendInterop.Storage.Model;

namespace SendInterop.Gateway.Sen2;

/// <summary>
/// Whether a mapped resource says the same as the stored one, so that importing the same record again writes nothing:
/// compared as serialised content without id and meta (version, time and owner are the server's), with the mapped
/// resource's transaction-local references resolved to the stored ids.
/// </summary>
public sealed class Sen2ContentComparer(FhirSerialization serialization)
{
    public bool Same(Resource incoming, ResourceRecord stored, IReadOnlyDictionary<string, string> references)
    {
        var candidate = (Resource)incoming.DeepCopy();
        Rewrite(candidate, references);
        return Normalised(candidate).AsSpan().SequenceEqual(Normalised(serialization.ParseStored(stored.Json)));
    }

    /// <summary>Rewrites every reference found in <paramref name="references"/> (fullUrl or Type/id) to its value.</summary>
    public static void Rewrite(Resource resource, IReadOnlyDictionary<string, string> references)
    {
        foreach (var reference in ReferenceWalker.All(resource))
            if (reference.Reference is { } text && references.TryGetValue(text, out var stored)) reference.Reference = stored;
    }

    private byte[] Normalised(Resource resource)
    {
        resource.Id = null;
        resource.Meta = null;
        return serialization.ToJsonBytes(resource);
    }
}
