namespace SendInterop.Gateway.Audit;

/// <summary>
/// Configuration section <c>Audit:Verify</c>: who may run <c>AuditEvent/$verify</c>. Its answer describes the whole
/// log (how many entries, the head), which says how much every organisation sharing the gateway has done, so besides
/// an AuditEvent read scope it needs one of these roles (the <c>role</c> claim of a token the gateway issued itself,
/// from the client registration; an external trusted issuer's role claim does not count).
/// </summary>
public sealed class AuditVerifyOptions
{
    public const string Section = "Audit:Verify";

    /// <summary>The information-governance lead's role, and a monitoring client's if registered with it.</summary>
    public static readonly IReadOnlyList<string> DefaultRoles = ["ig-lead"];

    /// <summary>
    /// Roles that may verify (<c>Audit:Verify:Roles:0</c>, ...); unset means <see cref="DefaultRoles"/>. An array, so
    /// configuration replaces the default rather than adding to it; a role given as one value without an index
    /// (<c>Audit:Verify:Roles=auditor</c>) is refused at start-up rather than silently ignored.
    /// </summary>
    public string[]? Roles { get; set; }

    public IReadOnlyList<string> EffectiveRoles => Roles ?? DefaultRoles;
}
