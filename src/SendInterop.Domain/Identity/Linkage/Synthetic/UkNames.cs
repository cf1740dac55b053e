namespace SendInterop.Domain.Identity.Linkage.Synthetic;

/// <summary>
/// Name frequencies for synthetic English children. Given names: the most popular names registered for babies in
/// England and Wales over 2000-2024 (ONS baby-name releases), weighted roughly by rank. Family names: the commonest
/// surnames of England and Wales, weighted by their approximate share per 100,000 people, plus a long generated tail
/// so that, as in the real population, the top hundred cover only about a fifth of people and term frequencies matter.
/// </summary>
public static class UkNames
{
    public static readonly string[] Boys =
    [
        "Oliver", "Jack", "Harry", "George", "Noah", "Charlie", "Jacob", "Alfie", "Freddie", "Oscar", "Leo", "Arthur",
        "Muhammad", "Thomas", "William", "James", "Joshua", "Daniel", "Samuel", "Joseph", "Henry", "Archie", "Theo",
        "Logan", "Ethan", "Lucas", "Mason", "Isaac", "Alexander", "Edward", "Max", "Dylan", "Riley", "Jake", "Benjamin",
        "Matthew", "Ryan", "Lewis", "Callum", "Liam", "Luke", "Adam", "Robert", "Michael", "Christopher", "Kieran",
        "Connor", "Tyler", "Finley", "Reuben", "Tommy", "Teddy", "Albie", "Frederick", "Alfred", "Elijah", "Harrison",
        "Sebastian", "Jayden", "Toby", "Louis", "Nathan", "David", "Jamie", "Owen", "Ollie", "Zachary", "Hugo", "Ronnie",
    ];

    public static readonly string[] Girls =
    [
        "Olivia", "Amelia", "Isla", "Ava", "Emily", "Sophia", "Grace", "Mia", "Poppy", "Ella", "Lily", "Evie", "Isabella",
        "Sophie", "Jessica", "Chloe", "Ruby", "Charlotte", "Freya", "Florence", "Daisy", "Phoebe", "Holly", "Ellie",
        "Megan", "Hannah", "Lauren", "Katie", "Rebecca", "Emma", "Elizabeth", "Katherine", "Abigail", "Millie",
        "Scarlett", "Alice", "Matilda", "Rosie", "Imogen", "Harriet", "Evelyn", "Layla", "Zara", "Maisie", "Erin", "Amy",
        "Georgia", "Lucy", "Molly", "Bethany", "Willow", "Ivy", "Aria", "Sienna", "Eleanor", "Victoria", "Abbie",
        "Eliza", "Maya", "Esme", "Lola", "Niamh", "Summer", "Jasmine", "Nicole", "Samantha", "Natalie", "Leah",
    ];

    /// <summary>Commonest surnames with an approximate share per 100,000 people (England and Wales).</summary>
    public static readonly (string Name, double Per100k)[] CommonSurnames =
    [
        ("Smith", 1260), ("Jones", 780), ("Williams", 600), ("Taylor", 520), ("Brown", 500), ("Davies", 450),
        ("Evans", 340), ("Wilson", 330), ("Thomas", 320), ("Johnson", 310), ("Roberts", 300), ("Robinson", 260),
        ("Thompson", 260), ("Wright", 250), ("Walker", 245), ("White", 240), ("Edwards", 235), ("Hughes", 230),
        ("Green", 225), ("Hall", 220), ("Lewis", 215), ("Harris", 210), ("Clarke", 205), ("Patel", 200),
        ("Jackson", 195), ("Wood", 190), ("Turner", 185), ("Martin", 180), ("Cooper", 178), ("Hill", 175),
        ("Ward", 172), ("Morris", 170), ("Moore", 168), ("Clark", 165), ("Lee", 160), ("King", 158), ("Baker", 155),
        ("Harrison", 152), ("Morgan", 150), ("Allen", 148), ("James", 145), ("Scott", 142), ("Phillips", 140),
        ("Watson", 138), ("Davis", 135), ("Parker", 132), ("Price", 130), ("Bennett", 128), ("Young", 126),
        ("Griffiths", 124), ("Mitchell", 122), ("Kelly", 120), ("Cook", 118), ("Carter", 116), ("Richardson", 114),
        ("Bailey", 112), ("Collins", 110), ("Bell", 108), ("Shaw", 106), ("Murphy", 104), ("Miller", 102),
        ("Cox", 100), ("Richards", 98), ("Khan", 96), ("Marshall", 94), ("Anderson", 92), ("Simpson", 90),
        ("Ellis", 88), ("Adams", 86), ("Singh", 85), ("Begum", 84), ("Wilkinson", 83), ("Foster", 82), ("Chapman", 81),
        ("Powell", 80), ("Webb", 79), ("Rogers", 78), ("Gray", 77), ("Mason", 76), ("Ali", 75), ("Hunt", 74),
        ("Hussain", 73), ("Campbell", 72), ("Matthews", 71), ("Owen", 70), ("Palmer", 69), ("Holmes", 68),
        ("Mills", 67), ("Barnes", 66), ("Knight", 65), ("Lloyd", 64), ("Butler", 63), ("Russell", 62), ("Barker", 61),
        ("Fisher", 60), ("Stevens", 59), ("Jenkins", 58), ("Murray", 57), ("Dixon", 56), ("Harvey", 55),
    ];

    private static readonly string[] Onsets = ["B", "Br", "C", "Ch", "Cr", "D", "F", "G", "H", "K", "L", "M", "N", "P", "R", "S", "St", "T", "W", "Wh", "Y"];
    private static readonly string[] Middles = ["a", "e", "i", "o", "u", "ar", "er", "or", "ea", "ow", "ay", "ee"];
    private static readonly string[] Codas = ["ton", "ley", "field", "well", "wood", "ford", "by", "man", "son", "ham", "ridge", "worth", "combe", "stead", "ling"];

    /// <summary>
    /// A surname distribution: the common names at their weights, then <paramref name="tailSize"/> generated names
    /// (Onset + vowel + ending: "Brayford", "Whelling") sharing the remaining ~80% of the mass with a Zipf-like fall.
    /// </summary>
    public static WeightedChoice<string> Surnames(int tailSize, Random random)
    {
        var names = new List<string>();
        var weights = new List<double>();
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, per100k) in CommonSurnames)
        {
            names.Add(name);
            weights.Add(per100k);
            seen.Add(name);
        }
        var commonMass = weights.Sum();
        var tailMass = commonMass * 4; // top hundred ≈ 20%
        var harmonic = 0.0;
        for (var k = 1; k <= tailSize; k++)
        {
            harmonic += 1.0 / Math.Pow(k, 0.6);
        }
        var rank = 0;
        while (rank < tailSize)
        {
            var name = Onsets[random.Next(Onsets.Length)] + Middles[random.Next(Middles.Length)] + Codas[random.Next(Codas.Length)];
            if (!seen.Add(name))
            {
                continue;
            }
            rank++;
            names.Add(name);
            weights.Add(tailMass / harmonic / Math.Pow(rank, 0.6));
        }
        return new WeightedChoice<string>(names, weights);
    }

    /// <summary>Given names weighted by popularity rank (Zipf, exponent 0.8).</summary>
    public static WeightedChoice<string> Given(string[] names) =>
        new(names, names.Select((_, i) => 1.0 / Math.Pow(i + 1, 0.8)).ToList());
}

/// <summary>Draws items with probability proportional to their weight (cumulative table, binary search).</summary>
public sealed class WeightedChoice<T>
{
    private readonly IReadOnlyList<T> _items;
    private readonly double[] _cumulative;

    public WeightedChoice(IReadOnlyList<T> items, IReadOnlyList<double> weights)
    {
        _items = items;
        _cumulative = new double[items.Count];
        var sum = 0.0;
        for (var i = 0; i < items.Count; i++)
        {
            sum += weights[i];
            _cumulative[i] = sum;
        }
    }

    public T Next(Random random)
    {
        var x = random.NextDouble() * _cumulative[^1];
        var i = Array.BinarySearch(_cumulative, x);
        return _items[i < 0 ? Math.Min(~i, _items.Count - 1) : i];
    }
}
