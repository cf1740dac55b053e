namespace SendInterop.Domain.Access.Gate;

public enum Verdict { Permit, Deny }

/// <summary>
/// The gate's answer for one resource, with the policy that decided it (recorded in the AuditEvent). A search or
/// history result is a permit-with-filter: one decision per resource, withheld ones invisible.
/// </summary>
/// <param name="Verdict">Permit or deny.</param>
/// <param name="Rule">The rule of CONSENT.md that decided, as a stable code (see <see cref="GateRules"/>).</param>
/// <param name="PolicyId">The Consent id or agreement id that decided, when one did.</param>
/// <param name="BreakGlass">True when the permit came from break-glass (reported).</param>
public sealed record GateDecision(Verdict Verdict, string Rule, string? PolicyId = null, bool BreakGlass = false)
{
    public bool Permitted => Verdict == Verdict.Permit;
}

/// <summary>The rule codes, in the order of CONSENT.md.</summary>
public static class GateRules
{
    public const string Scopes = "scopes";
    public const string Commissioning = "commissioning-aggregates-only";
    public const string Directory = "directory";
    public const string OwnRecords = "own-records";
    public const string OwnerOnly = "owner-only";
    public const string SubjectAccess = "subject-access";
    public const string BreakGlass = "break-glass";
    public const string ExplicitRefusal = "explicit-refusal";
    public const string SensitiveLabel = "sensitive-label";
    public const string AgreementAndConsent = "agreement-and-consent";
    public const string AgreementAndStatute = "agreement-and-statutory-basis";
    public const string NoTier1 = "no-tier1-agreement";
    public const string DefaultDeny = "default-deny";
}
