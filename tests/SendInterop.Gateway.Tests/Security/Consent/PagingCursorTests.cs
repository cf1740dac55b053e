using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using SendInterop.Gateway.Tests.Infrastructure;
using static SendInterop.Gateway.Tests.Infrastructure.FhirHttp;
using static SendInterop.Gateway.Tests.Security.Consent.ConsentGateway;

namespace SendInterop.Gateway.Tests.Security.Consent;

/// <summary>
/// Paging links under the gate. A refilled page walks past matches the requester may not see, and the store's cursor
/// is the boundary row's sort value and key, so before the seal a <c>previous</c> link of <c>_sort=birthdate</c> carried
/// a hidden child's birth date (and of <c>_sort=identifier</c> its NHS number), and a cursor written by the client
/// walked the store wherever it liked. Links now carry sealed cursors (SearchCursorSeal).
/// </summary>
[Collection(ConsentCollection.Name)]
public sealed class PagingCursorTests(ConsentGateway gateway)
{
    private readonly HttpClient _la = gateway.As(La);
    private readonly HttpClient _outsider = gateway.As(Outsider, clientId: "paging-outsider");

    /// <summary>The cursor as a plain store cursor would be encoded (URL-safe base64 of "f|key|value").</summary>
    private static string PlainCursor(string text) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(text)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>Whatever a link's cursor decodes to as base64 (text or not), for looking for a value inside it.</summary>
    private static string Decoded(string link)
    {
        var value = Uri.UnescapeDataString(new Uri(link).Query.TrimStart('?').Split('&').Select(p => p.Split('=', 2)).First(p => p[0] == "_cursor")[1]);
        var b64 = value.Replace('-', '+').Replace('_', '/');
        b64 = b64.PadRight(b64.Length + (4 - b64.Length % 4) % 4, '=');
        try { return Encoding.Latin1.GetString(Convert.FromBase64String(b64)); }
        catch (FormatException) { return value; }
    }

    [Theory]
    [InlineData("f|0|-9223372036854775808")]
    [InlineData("b|10|635099616000000000")]
    [InlineData("f|0|")]
    public async Task A_cursor_the_client_made_up_is_refused(string plain)
    {
        var r = await _outsider.GetAsync($"Patient?family=Anyone{Unique()}&_sort=birthdate&_count=1&_cursor={PlainCursor(plain)}");
        var text = await r.Content.ReadAsStringAsync();
        Assert.True(r.StatusCode == HttpStatusCode.BadRequest, $"{(int)r.StatusCode}: {text}");
        Assert.Contains("paging cursor is not valid", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("birthdate")]
    [InlineData("identifier")]
    [InlineData("family")]
    public async Task Paging_past_hidden_matches_gives_every_visible_one_once_and_links_carry_nothing_of_the_hidden(string sort)
    {
        // Interleaved: the LA's children (hidden from the outsider) sit between the outsider's own in every sort order.
        var family = "Cursor" + Unique();
        var hidden = new List<(string Nhs, string BirthDate)>();
        var visible = new List<string>();
        for (var i = 0; i < 6; i++)
        {
            var birthDate = $"201{i}-0{i + 1}-1{i}";
            if (i % 2 == 0)
            {
                var nhs = Build.NhsNumber();
                await _la.CreateAsync("Patient", Build.Patient(nhs: nhs, family: family + (char)('a' + i), birthDate: birthDate));
                hidden.Add((nhs, birthDate));
            }
            else visible.Add(await _outsider.CreateAsync("Patient", Build.Patient(family: family + (char)('a' + i), birthDate: birthDate)));
        }

        var seen = new List<string>();
        var links = new List<string>();
        var url = $"Patient?family={family}&_sort={sort}&_count=1";
        for (var page = 0; url is not null && page < 20; page++)
        {
            var bundle = await _outsider.SearchAsync(url);
            seen.AddRange(bundle.MatchIds("Patient"));
            links.AddRange(new[] { bundle.Link("next"), bundle.Link("previous") }.OfType<string>());
            url = bundle.Link("next");
        }

        Assert.Equal(visible.OrderBy(v => v).ToList(), seen.OrderBy(v => v).ToList());
        Assert.NotEmpty(links);
        foreach (var link in links)
        {
            var decoded = Decoded(link);
            foreach (var (nhs, birthDate) in hidden)
            {
                Assert.DoesNotContain(nhs, decoded, StringComparison.Ordinal);
                Assert.DoesNotContain(DateTime.Parse(birthDate, System.Globalization.CultureInfo.InvariantCulture).Ticks.ToString(System.Globalization.CultureInfo.InvariantCulture), decoded, StringComparison.Ordinal);
            }
            Assert.DoesNotContain(family, decoded, StringComparison.OrdinalIgnoreCase);
        }

        // A previous link walks back over the same visible matches (three visible, two a page: both links must exist).
        var first = await _outsider.SearchAsync($"Patient?family={family}&_sort={sort}&_count=2");
        var second = await _outsider.SearchAsync(first.Link("next") ?? throw new Xunit.Sdk.XunitException("no next link after 2 of 3 visible matches"));
        var previous = second.Link("previous") ?? throw new Xunit.Sdk.XunitException("no previous link on the second page");
        Assert.Equal(first.MatchIds("Patient"), (await _outsider.SearchAsync(previous)).MatchIds("Patient"));
    }
}
