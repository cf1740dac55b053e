namespace SendInterop.Gateway.Audit;

/// <summary>
/// Configuration section <c>Audit:Verify</c>: who may run <c>AuditEvent/$verify</c>. Its answer describes the whole
/// log (how many entries, the head), which says how much every organisation sharing the gateway has done, so besides
/// an AuditEvent read scope it needs one of these roles (the token's <c>role</c> claim, from the client registration).
/// </summary>
public sealed class AuditVerifyOptions
{
    public const string Section = "Audit:Verify";

    /// <summary>The information-governance lead's role, and a monitoring client's if registered with it.</summary>
    public static readonly IReadOnlyList<string> DefaultRoles = ["ig-lead"];

    /// <summary>Roles that may verify; unset means <see cref="DefaultRoles"/> (an array, so configuration replaces it).</summary>
    public string[]? Roles { get; set; }

    public IReadOnlyList<string> EffectiveRoles => Roles is { Length: > 0 } r ? r : DefaultRoles;
}
