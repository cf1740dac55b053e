using System.Globalization;
using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using SendInterop.Gateway.Fhir.Errors;

namespace SendInterop.Gateway.Fhir.Search;

/// <summary>
/// Seals the store's paging cursors before they leave in next/previous links, and opens them when they come back.
/// Why: a store cursor is the sort value and row key of the boundary row of the store's page, and under the consent
/// gate that row may be one the requester may not see (a refilled page walks past hidden matches): a cursor of
/// <c>_sort=birthdate</c> carried a hidden child's birth date, of <c>_sort=identifier</c> an NHS number, and a cursor
/// written by the client walked the store wherever it liked. Sealed (ASP.NET Core Data Protection: authenticated
/// encryption, keys rotated by the library), a cursor says nothing and cannot be forged; what a page holds is still
/// decided by the gate.
/// </summary>
public sealed class SearchCursorSeal(IDataProtectionProvider provider)
{
    /// <summary>The protector's purpose: a cursor sealed for anything else (or by another version of the format) does not open.</summary>
    public const string Purpose = "SendInterop.Fhir.SearchCursor.v2";

    private readonly IDataProtector _protector = provider.CreateProtector(Purpose);

    /// <summary>History's <c>_page</c>: the store key of the last version examined, which under the gate may be a hidden one's.</summary>
    private readonly IDataProtector _historyPages = provider.CreateProtector(Purpose, "history-page");

    public const string InvalidHistoryPageMessage = "The _page cursor is not valid; follow the next link as returned.";

    /// <summary>Patient/{id}/$everything's <c>_cursor</c>: the child and the position of the last entry given.</summary>
    private readonly IDataProtector _everythingPages = provider.CreateProtector(Purpose, "everything-page");

    public const string InvalidEverythingCursorMessage = "The $everything _cursor is not valid for this Patient; follow the next link as returned.";

    /// <summary>
    /// The cursor as it goes into a link (URL-safe base64), with the search's Bundle.total as the first page counted it:
    /// later pages repeat it rather than count every match through the gate again (and it stays one figure).
    /// </summary>
    public string Seal(string cursor, int? total) =>
        _protector.Protect((total?.ToString(CultureInfo.InvariantCulture) ?? "-") + "|" + cursor);

    /// <summary>A history page boundary (a store key) as it goes into a <c>_page</c> link: sealed, as search cursors are.</summary>
    public string SealHistoryPage(long beforeKey) => _historyPages.Protect(beforeKey.ToString(CultureInfo.InvariantCulture));

    /// <summary>The store key from a history link's <c>_page</c>; a 400 when it was not sealed here for history.</summary>
    public long OpenHistoryPage(string sealedPage)
    {
        try
        {
            if (long.TryParse(_historyPages.Unprotect(sealedPage), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var key)) return key;
        }
        catch (CryptographicException)
        {
        }
        throw FhirException.BadRequest(InvalidHistoryPageMessage);
    }

    /// <summary>
    /// A $everything page boundary as it goes into a next link: how far the leading Patients (the child's, then its
    /// linked records by id) were given (<see cref="EverythingLeadingDone"/>, or the last linked id given, empty when only
    /// the child's own), and the store key of the last compartment resource given. Sealed, and bound to the child.
    /// </summary>
    public string SealEverythingPage(string patientId, string leadingAfter, long afterKey) =>
        _everythingPages.Protect(leadingAfter + "|" + afterKey.ToString(CultureInfo.InvariantCulture) + "|" + patientId);

    /// <summary>Every leading Patient was given (not an id: FHIR ids have no '*').</summary>
    public const string EverythingLeadingDone = "*";

    /// <summary>The position from a $everything link's <c>_cursor</c>; a 400 when it was not sealed here for this Patient.</summary>
    public (string LeadingAfter, long AfterKey) OpenEverythingPage(string sealedPage, string patientId)
    {
        try
        {
            var parts = _everythingPages.Unprotect(sealedPage).Split('|', 3);
            if (parts.Length == 3 && parts[2] == patientId
                && long.TryParse(parts[1], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var key)) return (parts[0], key);
        }
        catch (CryptographicException)
        {
        }
        throw FhirException.BadRequest(InvalidEverythingCursorMessage);
    }

    /// <summary>
    /// The store's cursor and the carried total from a link's <c>_cursor</c>; a 400 when it was not sealed here (edited,
    /// made up, or from keys since removed).
    /// </summary>
    public (string Cursor, int? Total) Open(string sealedCursor)
    {
        try
        {
            var parts = _protector.Unprotect(sealedCursor).Split('|', 2);
            if (parts.Length == 2 && (parts[0] == "-" || int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out _)))
                return (parts[1], parts[0] == "-" ? null : int.Parse(parts[0], CultureInfo.InvariantCulture));
        }
        catch (CryptographicException)
        {
        }
        throw FhirException.BadRequest(Storage.Search.KeysetPager.InvalidCursorMessage);
    }
}
