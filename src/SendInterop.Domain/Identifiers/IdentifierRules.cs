using Hl7.Fhir.Model;

namespace SendInterop.Domain.Identifiers;

/// <summary>
/// The checks the gateway runs on every Patient identifier on write: an identifier in one of the systems we know must
/// hold a value that passes that system's rule. Identifiers in other systems (provider MRNs, ...) pass untouched.
/// </summary>
public static class IdentifierRules
{
    /// <summary>The identifier systems whose values this class checks.</summary>
    public static IReadOnlyList<string> CheckedSystems { get; } =
        [
            IdentifierSystems.NhsNumber, IdentifierSystems.Upn, IdentifierSystems.Uln, IdentifierSystems.LaChildId,
            IdentifierSystems.ProviderLocalId, IdentifierSystems.SchoolUrn, IdentifierSystems.Ukprn, IdentifierSystems.OdsOrganizationCode,
        ];

    /// <summary>Null when the identifier is acceptable, otherwise a message naming the rule it breaks.</summary>
    /// <param name="identifier">The identifier to check.</param>
    /// <param name="allowTestNhsNumbers">Accept the 999 test range (development and synthetic data only).</param>
    public static string? Check(Identifier identifier, bool allowTestNhsNumbers)
    {
        ArgumentNullException.ThrowIfNull(identifier);
        var value = identifier.Value;
        var error = identifier.System switch
        {
            IdentifierSystems.NhsNumber => NhsNumber.TryParse(
                value,
                allowTestNhsNumbers ? NhsNumberParseOptions.AllowTestNumbers : NhsNumberParseOptions.None,
                out _,
                out var e) ? null : e,
            IdentifierSystems.Upn => Upn.TryParse(value, out _, out var e) ? null : e,
            // The ILR placeholder is a real-world value for a learner not yet registered, so it is allowed on write.
            IdentifierSystems.Uln => Uln.TryParse(value, UlnParseOptions.AllowTemporary, out _, out var e) ? null : e,
            IdentifierSystems.LaChildId => LaChildId.TryParse(value, out _, out var e) ? null : e,
            IdentifierSystems.ProviderLocalId => ProviderLocalId.TryParse(value, out _, out var e) ? null : e,
            IdentifierSystems.SchoolUrn => SchoolUrn.TryParse(value, out _, out var e) ? null : e,
            IdentifierSystems.Ukprn => Ukprn.TryParse(value, out _, out var e) ? null : e,
            IdentifierSystems.OdsOrganizationCode => OdsCode.TryParse(value, out _, out var e) ? null : e,
            _ => null,
        };

        return error;
    }
}
