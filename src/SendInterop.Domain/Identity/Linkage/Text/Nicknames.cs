using System.Collections.Frozen;

namespace SendInterop.Domain.Identity.Linkage.Text;

/// <summary>
/// A small table of English given-name families (William/Bill/Will/Liam, Elizabeth/Liz/Beth/Betty...). Two given names
/// are nickname-equivalent when they share a family. Records of one child disagree this way often: the school knows
/// "Alfie", the hospital "Alfred". A name may sit in several families (Alex: Alexander and Alexandra; Sam: Samuel and
/// Samantha), so a name maps to a set of family numbers and the test is "the sets intersect".
/// </summary>
/// <remarks>Deliberately short and conservative: a wrong equivalence joins strangers, a missing one only costs a
/// fuzzy-level weight instead of a nickname-level weight.</remarks>
public static class Nicknames
{
    private static readonly string[][] Families =
    [
        ["WILLIAM", "BILL", "BILLY", "WILL", "WILLIE", "WILLY", "LIAM", "WILF"],
        ["ROBERT", "BOB", "BOBBY", "ROB", "ROBBIE", "BERT"],
        ["ELIZABETH", "ELISABETH", "LIZ", "LIZZIE", "LIZZY", "BETH", "BETTY", "BETSY", "ELIZA", "LIBBY", "ELSIE", "ELISE", "LISA", "BESS"],
        ["KATHERINE", "CATHERINE", "KATHRYN", "CATHRYN", "KATHARINE", "KATE", "KATIE", "KATY", "KAT", "CATH", "CATHY", "KATHY", "KITTY", "KAYTE"],
        ["JAMES", "JIM", "JIMMY", "JAMIE", "JIMMIE"],
        ["JOHN", "JONATHAN", "JON", "JOHNNY", "JONNY", "JACK", "JACKIE"],
        ["THOMAS", "TOM", "TOMMY", "TOMOS"],
        ["ALEXANDER", "ALEX", "ALEXIS", "XANDER", "SANDY", "ALISTAIR", "ALASDAIR"],
        ["ALEXANDRA", "ALEX", "ALEXA", "LEXI", "LEXIE", "SASHA", "SANDRA"],
        ["BENJAMIN", "BEN", "BENNY", "BENJI", "BENJY"],
        ["CHARLES", "CHARLIE", "CHARLEY", "CHAS", "CHUCK", "CHARLY"],
        ["CHARLOTTE", "CHARLIE", "LOTTIE", "LOTTY", "CHARLEY"],
        ["CHRISTOPHER", "CHRIS", "KIT", "TOPHER"],
        ["CHRISTINA", "CHRISTINE", "CHRIS", "TINA", "CHRISSY", "KIRSTY", "KIRSTEN"],
        ["DANIEL", "DAN", "DANNY"],
        ["DANIELLE", "DANI", "DANNI", "ELLE"],
        ["EDWARD", "ED", "EDDIE", "EDDY", "TED", "TEDDY", "NED"],
        ["FREDERICK", "FREDERIC", "FRED", "FREDDIE", "FREDDY", "FREDDI"],
        ["ALFRED", "ALFIE", "ALF", "FRED", "FREDDIE"],
        ["HENRY", "HARRY", "HAL", "HANK"],
        ["HARRISON", "HARRY"],
        ["JACOB", "JAKE", "JAKOB"],
        ["JOSEPH", "JOE", "JOEY", "JO"],
        ["JOSHUA", "JOSH"],
        ["MATTHEW", "MATT", "MATTY", "MAT"],
        ["MICHAEL", "MIKE", "MIKEY", "MICK", "MICKY", "MICKEY", "MITCH"],
        ["NICHOLAS", "NICOLAS", "NICK", "NICKY", "NICO"],
        ["NICOLA", "NICOLE", "NIKKI", "NICKY", "NIC"],
        ["SAMUEL", "SAM", "SAMMY", "SAMMIE"],
        ["SAMANTHA", "SAM", "SAMMY", "SAMMIE"],
        ["OLIVER", "OLLIE", "OLLY", "OLI"],
        ["OLIVIA", "LIV", "LIVVY", "LIVVIE", "LIVIA"],
        ["ARCHIBALD", "ARCHIE", "ARCHY", "BALDIE"],
        ["THEODORE", "THEO", "TED", "TEDDY"],
        ["ZACHARY", "ZACH", "ZAK", "ZAC", "ZACK"],
        ["MARGARET", "MAGGIE", "MEG", "PEGGY", "MADGE", "GRETA", "MAGS"],
        ["REBECCA", "BECKY", "BECCA", "BEX", "BECKI"],
        ["ABIGAIL", "ABBIE", "ABBY", "ABI", "GAIL"],
        ["JESSICA", "JESS", "JESSIE", "JESSY"],
        ["VICTORIA", "VICKY", "VICKI", "TORI", "TORY"],
        ["FLORENCE", "FLO", "FLORRIE", "FLOSSIE"],
        ["ISABELLA", "ISABEL", "ISABELLE", "ISOBEL", "BELLA", "IZZY", "ISSY", "IZZIE", "IZZI", "BELLE"],
        ["AMELIA", "MILLIE", "MILLY", "AMY", "MELIA"],
        ["EMILY", "EM", "EMMY", "MILLIE"],
        ["ELEANOR", "ELEANORE", "ELINOR", "ELLIE", "NELL", "NELLIE", "NORA", "LEONORA"],
        ["HELEN", "HELENA", "ELLEN", "NELL", "LENA"],
        ["MATILDA", "TILLY", "TILLIE", "TILDA", "MATTIE"],
        ["HARRIET", "HATTIE", "HETTY", "HARRIETTE"],
        ["MADELEINE", "MADELINE", "MADELYN", "MADDIE", "MADDY", "MADDISON", "MADISON"],
        ["PENELOPE", "PENNY", "PEN"],
        ["SUSAN", "SUSANNAH", "SUZANNE", "SUE", "SUSIE", "SUZIE", "SUZY"],
        ["JENNIFER", "JEN", "JENNY", "JENNI", "JENNIE"],
        ["DEBORAH", "DEBBIE", "DEB", "DEBRA"],
        ["PATRICIA", "PAT", "PATTY", "TRISH", "TRISHA"],
        ["PATRICK", "PAT", "PADDY", "PADRAIG"],
        ["RICHARD", "RICK", "RICKY", "RICH", "RICHIE", "DICK", "DICKIE"],
        ["ANTHONY", "ANTONY", "TONY", "ANT"],
        ["ANDREW", "ANDY", "DREW"],
        ["STEPHEN", "STEVEN", "STEVE", "STEVIE"],
        ["PETER", "PETE"],
        ["TIMOTHY", "TIM", "TIMMY"],
        ["NATHANIEL", "NATHAN", "NATE", "NAT"],
        ["NATALIE", "NATALIA", "NATASHA", "NAT", "TASHA", "NATTIE"],
        ["GABRIEL", "GABE", "GABBY"],
        ["GABRIELLA", "GABRIELLE", "GABBY", "GABI"],
        ["DOMINIC", "DOM", "DOMINICK"],
        ["SEBASTIAN", "SEB", "SEBBY", "BASTIAN"],
        ["MAXIMILIAN", "MAXWELL", "MAX", "MAXIE"],
        ["LEONARDO", "LEONARD", "LEON", "LEO", "LENNY", "LEN"],
        ["GEORGE", "GEORGIE", "GEORDIE"],
        ["GEORGIA", "GEORGINA", "GEORGIE", "GINA"],
        ["ANNA", "ANN", "ANNE", "ANNIE", "NANCY", "ANYA"],
        ["SOPHIA", "SOPHIE", "SOPHY", "SOFIA", "SOPH"],
        ["EVELYN", "EVIE", "EVA", "EVE"],
        ["JOSEPHINE", "JOSIE", "JO", "JOSEY"],
        ["MARY", "MOLLY", "MOLLIE", "POLLY", "MAE", "MARIA", "MARIE"],
        ["MARTHA", "MATTIE", "PATTY"],
        ["DOROTHY", "DOT", "DOTTIE", "DOLLY", "DOT"],
        ["FRANCES", "FRANCESCA", "FRAN", "FRANKIE", "FRANNY"],
        ["FRANCIS", "FRANK", "FRANKIE"],
        ["LOUISE", "LOUISA", "LOU", "LULU", "LOUIE"],
        ["LOUIS", "LEWIS", "LOUIE", "LOU"],
        ["ROSE", "ROSIE", "ROSALIND", "ROSAMUND", "ROSANNA", "ROSA"],
        ["JACQUELINE", "JACKIE", "JACKY", "JACQUI"],
        ["CAMERON", "CAM", "CAMMY"],
        ["DAVID", "DAVE", "DAVY", "DAVIE"],
        ["DONALD", "DON", "DONNIE"],
        ["GERALD", "GERRY", "JERRY"],
        ["JEREMY", "JEREMIAH", "JEZ", "JERRY"],
        ["KENNETH", "KEN", "KENNY"],
        ["RAYMOND", "RAY"],
        ["RONALD", "RON", "RONNIE"],
        ["TERENCE", "TERRY", "TEL"],
        ["VINCENT", "VINCE", "VINNY"],
        ["WALTER", "WALT", "WALLY"],
        ["MUHAMMAD", "MOHAMMED", "MOHAMMAD", "MOHAMED", "MUHAMMED", "MO"],
        ["ELIJAH", "ELI", "LIJAH"],
        ["HARRIS", "HARRY"],
        ["ISAAC", "IKE", "ZAC"],
        ["AUGUSTUS", "AUGUST", "GUS"],
        ["ANGUS", "GUS"],
    ];

    private static readonly FrozenDictionary<string, int[]> FamiliesByName = Build();

    /// <summary>The families a normalised (upper-case) given name belongs to; empty when it is in none.</summary>
    public static int[] FamiliesOf(string? normalisedName) =>
        normalisedName is not null && FamiliesByName.TryGetValue(normalisedName, out var families) ? families : [];

    /// <summary>True when the two normalised given names are different spellings in one family.</summary>
    public static bool AreEquivalent(string? a, string? b) => ShareFamily(FamiliesOf(a), FamiliesOf(b));

    /// <summary>True when two family sets (from <see cref="FamiliesOf"/>) intersect. The sets are tiny: a nested loop.</summary>
    public static bool ShareFamily(int[] a, int[] b)
    {
        foreach (var x in a)
        {
            foreach (var y in b)
            {
                if (x == y)
                {
                    return true;
                }
            }
        }
        return false;
    }

    /// <summary>Every name of every family (the synthetic generator draws nicknames from this).</summary>
    public static IReadOnlyList<IReadOnlyList<string>> AllFamilies => Families;

    private static FrozenDictionary<string, int[]> Build()
    {
        var map = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        for (var f = 0; f < Families.Length; f++)
        {
            foreach (var name in Families[f])
            {
                if (!map.TryGetValue(name, out var list))
                {
                    map[name] = list = [];
                }
                if (!list.Contains(f))
                {
                    list.Add(f);
                }
            }
        }
        return map.ToFrozenDictionary(kv => kv.Key, kv => kv.Value.ToArray(), StringComparer.Ordinal);
    }
}
