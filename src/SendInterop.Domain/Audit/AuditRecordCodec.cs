using System.Buffers;
using System.Globalization;
using System.Text.Json;

namespace SendInterop.Domain.Audit;

/// <summary>
/// The stored form of an <see cref="AuditRecord"/>: a small, canonical JSON object that the hash chain covers. The
/// AuditEvent a client reads is rendered from it on the way out (ADR 4), because rendering a 2 kB FHIR resource with
/// the FHIR serialiser on every read request, and storing it, was most of the consent gate's cost (docs/performance.md).
/// <para>
/// Canonical: one fixed member order, no whitespace, absent values left out, times as UTC ticks, so the same record
/// always encodes to the same bytes (what the hash needs). Short member names keep a read's entry near 300 bytes.
/// The first member, <c>"v":2</c>, marks the format: entries written before it are whole AuditEvents
/// (<see cref="IsRecord"/> tells them apart).
/// </para>
/// Members: v format, t recorded (UTC ticks), a action (C R U D E), i interaction, d decision (permit, deny), r rule,
/// p policy, c client, o organisation, g agency, l role, u purpose, k children, e entities, x correlation id,
/// b break-glass, br break-glass reason, s source address.
/// </summary>
public static class AuditRecordCodec
{
    public const int Version = 2;

    private static readonly byte[] Marker = "{\"v\":2,"u8.ToArray();
    private static readonly JsonWriterOptions WriterOptions = new()
    {
        SkipValidation = true,
        // Ids, codes and a reason only; relaxed escaping keeps non-ASCII text readable and is still valid JSON.
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>Whether <paramref name="payload"/> is in this format (and not an AuditEvent of the first format).</summary>
    public static bool IsRecord(ReadOnlySpan<byte> payload) => payload.StartsWith(Marker);

    public static byte[] Encode(AuditRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var scratch = t_scratch ??= new EncodeScratch();
        var buffer = scratch.Buffer;
        buffer.ResetWrittenCount();
        var w = scratch.Writer;
        w.Reset(buffer);
        try
        {
            w.WriteStartObject();
            w.WriteNumber("v"u8, Version);
            w.WriteNumber("t"u8, record.Recorded.UtcTicks);
            w.WriteString("a"u8, ActionCode(record.Action));
            w.WriteString("i"u8, record.Interaction);
            w.WriteString("d"u8, record.Decision == AuditDecision.Permit ? "permit"u8 : "deny"u8);
            w.WriteString("r"u8, record.Rule);
            Optional(w, "p"u8, record.PolicyId);
            Optional(w, "c"u8, record.ClientId);
            Optional(w, "o"u8, record.OrganisationId);
            Optional(w, "g"u8, record.Agency);
            Optional(w, "l"u8, record.Role);
            Optional(w, "u"u8, record.Purpose);
            Strings(w, "k"u8, record.ChildIds);
            Strings(w, "e"u8, record.Entities);
            Optional(w, "x"u8, record.CorrelationId);
            if (record.BreakGlass) w.WriteBoolean("b"u8, true);
            Optional(w, "br"u8, record.BreakGlassReason);
            Optional(w, "s"u8, record.SourceAddress);
            w.WriteEndObject();
            w.Flush();
            return buffer.WrittenSpan.ToArray();
        }
        finally
        {
            // A record naming thousands of resources (a large $everything) grows the buffer; a thread does not keep that.
            if (buffer.Capacity > EncodeScratch.KeptCapacity) t_scratch = null;
        }
    }

    /// <summary>
    /// One writer and buffer per thread, reused for every record it encodes: a <see cref="Utf8JsonWriter"/> asks its buffer
    /// for 4 kB at a time, so a new buffer per record allocated over 4 kB to write about 350 bytes (the largest allocation
    /// of a gated read that the bypass build does not make; docs/performance.md).
    /// </summary>
    [ThreadStatic] private static EncodeScratch? t_scratch;

    private sealed class EncodeScratch
    {
        public const int KeptCapacity = 16 * 1024;
        public readonly ArrayBufferWriter<byte> Buffer = new(8 * 1024);
        public readonly Utf8JsonWriter Writer;

        public EncodeScratch() => Writer = new Utf8JsonWriter(Buffer, WriterOptions);
    }

    /// <summary>Reads a payload written by <see cref="Encode"/>; a <see cref="FormatException"/> for anything else.</summary>
    public static AuditRecord Decode(ReadOnlyMemory<byte> payload)
    {
        if (!IsRecord(payload.Span)) throw new FormatException("Not an audit record of format 2.");
        try
        {
            using var doc = JsonDocument.Parse(payload);
            var root = doc.RootElement;
            string? Text(string name) => root.TryGetProperty(name, out var v) ? v.GetString() : null;
            string Required(string name) => Text(name) ?? throw new FormatException($"The audit record has no '{name}'.");
            IReadOnlyList<string> List(string name) =>
                root.TryGetProperty(name, out var v) ? v.EnumerateArray().Select(x => x.GetString() ?? throw new FormatException($"A null in '{name}'.")).ToList() : [];

            return new AuditRecord(
                Recorded: new DateTimeOffset(root.GetProperty("t").GetInt64(), TimeSpan.Zero),
                Action: ParseAction(Required("a")),
                Interaction: Required("i"),
                Decision: Required("d") switch
                {
                    "permit" => AuditDecision.Permit,
                    "deny" => AuditDecision.Deny,
                    var other => throw new FormatException($"Unknown decision '{other}'."),
                },
                Rule: Required("r"),
                PolicyId: Text("p"),
                ClientId: Text("c"),
                OrganisationId: Text("o"),
                Agency: Text("g"),
                Role: Text("l"),
                Purpose: Text("u"),
                ChildIds: List("k"),
                Entities: List("e"),
                CorrelationId: Text("x"),
                BreakGlass: root.TryGetProperty("b", out var b) && b.GetBoolean(),
                BreakGlassReason: Text("br"),
                SourceAddress: Text("s"));
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or KeyNotFoundException or ArgumentOutOfRangeException)
        {
            throw new FormatException("The audit record cannot be read.", ex);
        }
    }

    private static void Optional(Utf8JsonWriter w, ReadOnlySpan<byte> name, string? value)
    {
        if (value is not null) w.WriteString(name, value);
    }

    private static void Strings(Utf8JsonWriter w, ReadOnlySpan<byte> name, IReadOnlyList<string> values)
    {
        if (values.Count == 0) return;
        w.WriteStartArray(name);
        foreach (var v in values) w.WriteStringValue(v);
        w.WriteEndArray();
    }

    private static ReadOnlySpan<byte> ActionCode(AuditAction action) => action switch
    {
        AuditAction.Create => "C"u8,
        AuditAction.Read => "R"u8,
        AuditAction.Update => "U"u8,
        AuditAction.Delete => "D"u8,
        _ => "E"u8,
    };

    private static AuditAction ParseAction(string code) => code switch
    {
        "C" => AuditAction.Create,
        "R" => AuditAction.Read,
        "U" => AuditAction.Update,
        "D" => AuditAction.Delete,
        "E" => AuditAction.Execute,
        _ => throw new FormatException(string.Create(CultureInfo.InvariantCulture, $"Unknown action '{code}'.")),
    };
}
