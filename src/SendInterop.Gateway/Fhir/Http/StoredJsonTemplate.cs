using System.Globalization;
using System.Text;
using Hl7.Fhir.Model;

namespace SendInterop.Gateway.Fhir.Http;

/// <summary>
/// A resource's stored JSON, rendered before it reaches the store's writer, with stand-ins where <c>meta.versionId</c> and
/// <c>meta.lastUpdated</c> go; the writer, which alone knows them, splices them in (<see cref="With"/>).
/// <para>
/// Why: the store's writer is one at a time (SQLite's single writer, a group commit), and rendering inside it made
/// serialisation part of every write's serial path: 70-240 ms of the 250-450 ms the writer spent on a SEN2 import batch of
/// 1,750 resources (docs/performance.md, "SEN2 import rate", session 14). Rendered here, it runs on the caller's thread.
/// </para>
/// <para>
/// Byte for byte the JSON the serializer gives with the real values (tested over many timestamps and resource shapes):
/// the top-level <c>meta</c> is serialised straight after <c>resourceType</c> and <c>id</c>, its <c>versionId</c> and
/// <c>lastUpdated</c> first and side by side, so the first occurrence of the stand-ins is the resource's own, before any
/// contained resource or user text; the version stand-in is random per process. Should they not be found side by side,
/// <see cref="Of"/> answers null and the caller renders inside the writer as before.
/// </para>
/// </summary>
public sealed class StoredJsonTemplate
{
    /// <summary>The format the FHIR serializer writes an instant in (Firely: fractional seconds without trailing zeros).</summary>
    public const string InstantFormat = "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK";

    private static readonly string VersionStandIn = "v" + Guid.NewGuid().ToString("N");
    private static readonly DateTimeOffset UpdatedStandIn = new DateTimeOffset(1111, 11, 11, 11, 11, 11, TimeSpan.Zero).AddTicks(1_111_111);
    private static readonly byte[] VersionField = Encoding.UTF8.GetBytes("\"versionId\":\"" + VersionStandIn + "\"");
    private static readonly string UpdatedStandInText = UpdatedStandIn.ToString(InstantFormat, CultureInfo.InvariantCulture);
    private static readonly byte[] UpdatedField = Encoding.UTF8.GetBytes("\"lastUpdated\":\"" + UpdatedStandInText + "\"");
    private static readonly int VersionValueOffset = "\"versionId\":\"".Length, UpdatedValueOffset = "\"lastUpdated\":\"".Length;

    private readonly byte[] _json;
    private readonly int _versionAt, _updatedAt;

    private StoredJsonTemplate(byte[] json, int versionAt, int updatedAt)
    {
        _json = json;
        _versionAt = versionAt;
        _updatedAt = updatedAt;
    }

    /// <summary>Renders <paramref name="resource"/> with the stand-ins (its meta is left as it was); null if they cannot be found.</summary>
    public static StoredJsonTemplate? Of(Resource resource, FhirSerialization serialization)
    {
        var hadMeta = resource.Meta is not null;
        resource.Meta ??= new Meta();
        var (version, updated) = (resource.Meta.VersionId, resource.Meta.LastUpdated);
        byte[] json;
        try
        {
            resource.Meta.VersionId = VersionStandIn;
            resource.Meta.LastUpdated = UpdatedStandIn;
            json = serialization.ToJsonBytes(resource);
        }
        finally
        {
            resource.Meta.VersionId = version;
            resource.Meta.LastUpdated = updated;
            if (!hadMeta) resource.Meta = null;
        }

        var versionAt = json.AsSpan().IndexOf(VersionField);
        var updatedAt = json.AsSpan().IndexOf(UpdatedField);
        // Side by side at the head of the top-level meta, as the serializer writes them: anything else is not ours.
        if (versionAt < 0 || updatedAt != versionAt + VersionField.Length + 1) return null;
        return new StoredJsonTemplate(json, versionAt + VersionValueOffset, updatedAt + UpdatedValueOffset);
    }

    /// <summary>The stored JSON with this version and timestamp.</summary>
    public byte[] With(int version, DateTimeOffset lastUpdated)
    {
        Span<byte> versionText = stackalloc byte[11];
        version.TryFormat(versionText, out var versionLength, default, CultureInfo.InvariantCulture);
        Span<byte> updatedText = stackalloc byte[40];
        lastUpdated.TryFormat(updatedText, out var updatedLength, InstantFormat, CultureInfo.InvariantCulture);

        var versionEnd = _versionAt + VersionStandIn.Length;
        var updatedEnd = _updatedAt + UpdatedStandInText.Length;
        var result = new byte[_json.Length - VersionStandIn.Length + versionLength - UpdatedStandInText.Length + updatedLength];
        var at = 0;
        Copy(_json.AsSpan(0, _versionAt), result, ref at);
        Copy(versionText[..versionLength], result, ref at);
        Copy(_json.AsSpan(versionEnd, _updatedAt - versionEnd), result, ref at);
        Copy(updatedText[..updatedLength], result, ref at);
        Copy(_json.AsSpan(updatedEnd), result, ref at);
        return result;
    }

    private static void Copy(ReadOnlySpan<byte> from, byte[] to, ref int at)
    {
        from.CopyTo(to.AsSpan(at));
        at += from.Length;
    }
}
