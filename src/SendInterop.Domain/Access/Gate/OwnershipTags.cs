using Hl7.Fhir.Model;
using SendInterop.Domain.Profiles;

namespace SendInterop.Domain.Access.Gate;

/// <summary>
/// The owning organisation of a stored resource, kept as a <c>meta.tag</c> whose code is the organisation id (for
/// example <c>la-926</c>). The gateway sets it from the writer's token; the gate reads it through
/// <see cref="ResourceFacts.OwnerOrganisation"/>.
/// </summary>
public static class OwnershipTags
{
    public const string System = SendCanonical.Base + "/CodeSystem/owner";

    /// <summary>
    /// The owner, or null when there is no owner tag. Two different owner tags also give null: a resource owned by
    /// nobody gets nothing from the own-records rule or from agreements, which discloses less than picking one.
    /// </summary>
    public static string? GetOwner(Resource resource)
    {
        ArgumentNullException.ThrowIfNull(resource);
        var tags = resource.Meta?.Tag;
        if (tags is null) return null;

        string? owner = null;
        foreach (var tag in tags)
        {
            if (tag.System != System || string.IsNullOrEmpty(tag.Code)) continue;
            if (owner is not null && owner != tag.Code) return null;
            owner = tag.Code;
        }
        return owner;
    }

    /// <summary>Sets the owner, replacing any owner tags already present.</summary>
    public static void SetOwner(Resource resource, string organisationId)
    {
        ArgumentNullException.ThrowIfNull(resource);
        ArgumentException.ThrowIfNullOrWhiteSpace(organisationId);
        resource.Meta ??= new Meta();
        resource.Meta.Tag.RemoveAll(tag => tag.System == System);
        resource.Meta.Tag.Add(new Coding(System, organisationId));
    }
}
