namespace SendInterop.Gateway.DemoData;

/// <summary>A SEN2 primary need type and how it shows up in a child's record.</summary>
internal sealed record NeedProfile(
    string Code,
    string Display,
    string[] Descriptions,
    (string Code, string Display, double Share)? Diagnosis,
    string[] Outcomes,
    string[] EducationProvision,
    string[] HealthProvision,
    StaffRole HealthLead);

/// <summary>
/// The proportions, lists and wording the synthetic cohort draws from. Proportions are constants taken once from the DfE
/// "Education, health and care plans" release (reporting year 2025, published June 2025; files under
/// shared/data/dfe-ehcp-2025), never read at run time. Names and wording are invented; no real person is described.
/// </summary>
internal static class DemoVocabulary
{
    /// <summary>
    /// Age of children with an EHC plan in January 2025, England (sen_needs_all_plans.csv, 202425, "Child or young
    /// persons age"). Index = age 0..25; the published "under 3" (533) is spread over ages 0-2.
    /// </summary>
    public static readonly double[] PlanAgeWeights =
    [
        60, 150, 323, 4302, 22517, 30847, 31867, 34082, 36412, 38381, 41405, 46775, 47172,
        47359, 47125, 44886, 42005, 36484, 28598, 20815, 14495, 9805, 6258, 4030, 2221, 371,
    ];

    /// <summary>
    /// Age when the plan started, all plans in January 2025, England (caseload.csv, 202425, "Age when plan started").
    /// Index = age 0..20; "age 2 and under" (1,744) is spread over 0-2 and "age 20 and over" (1,821) sits at 20.
    /// </summary>
    public static readonly double[] PlanStartAgeWeights =
    [
        150, 500, 1094, 15453, 89057, 79742, 46623, 47450, 46313, 45163, 55150, 64233, 36508, 25369, 28467, 22914,
        17730, 9084, 3918, 1971, 1821,
    ];

    /// <summary>
    /// Primary need shares of all plans by age band, England, January 2025 (sen_needs_all_plans.csv, 202425, ages summed
    /// into bands; "need unknown" left out). DS (Down syndrome) is published inside "other"; the demo gives it a little
    /// of that share. Columns follow <see cref="NeedCodes"/>.
    /// </summary>
    public static readonly string[] NeedCodes = ["ASD", "SLCN", "SEMH", "MLD", "SLD", "PMLD", "SPLD", "HI", "VI", "MSI", "PD", "OTH", "DS"];

    public static readonly (int MaxAge, double[] Weights)[] PlanNeedWeightsByAge =
    [
        (4, [28.5, 48.7, 2.3, 4.1, 2.5, 2.5, 0.7, 1.5, 0.8, 0.4, 5.0, 0.8, 0.4]),
        (10, [32.9, 32.0, 14.1, 7.4, 3.0, 1.4, 1.4, 1.3, 0.7, 0.3, 3.6, 0.8, 0.4]),
        (15, [31.3, 15.0, 25.6, 12.3, 3.9, 1.1, 3.0, 1.3, 0.8, 0.2, 3.5, 0.8, 0.4]),
        (19, [30.3, 11.6, 27.7, 12.6, 5.1, 1.3, 2.5, 1.5, 1.0, 0.2, 4.4, 0.7, 0.4]),
        (25, [30.5, 12.6, 17.3, 16.9, 8.2, 1.7, 2.5, 1.8, 1.1, 0.2, 5.4, 0.8, 0.4]),
    ];

    /// <summary>
    /// SEN support (no plan) primary needs. Not in the EHCP release: approximate shares in the shape of the school census
    /// (SLCN, SEMH, MLD and SPLD lead; far fewer PMLD/SLD), plus NSA (no specialist assessment), a census-only code.
    /// </summary>
    public static readonly double[] SenSupportNeedWeights = [9, 25, 21, 15, 0.5, 0.1, 12, 1.5, 0.8, 0.1, 2.5, 3, 0.2];

    public const double SenSupportNsaShare = 0.04;

    /// <summary>About 70.6% of plans are for boys (caseload.csv 202425, Sex: 451,239 of 638,745); SEN support a little fewer.</summary>
    public const double PlanMaleShare = 0.706;
    public const double SenSupportMaleShare = 0.64;

    /// <summary>Requests decided within 6 weeks, England 2024: 84.8% (requests.csv, 126,160 of 148,753 decided).</summary>
    public const double DecisionWithinSixWeeksShare = 0.848;

    /// <summary>
    /// Of plans issued late, the share later than a year: Norfolk 2024, 71 of 845 (timeliness_20_week.csv), about 8%.
    /// </summary>
    public const double LatePlansOverAYearShare = 0.084;

    /// <summary>
    /// SEN2 cease reasons for plans ceased in 2024, England (ceased_plans.csv): max_age 1,990; needs_met 3,955; he 2,579;
    /// employ 4,053; transfer 13,953; no_engage 16,091; moved_outside_eng 928; other 837. ("deceased" left out of the demo.)
    /// Completed plans take the first two; revoked (ceased) plans the rest.
    /// </summary>
    public static readonly (string Code, string Display, double Weight, bool Completed, int MinAge)[] CeaseReasons =
    [
        ("max_age", "Reached the maximum age (25)", 1990, true, 25),
        ("needs_met", "Needs met without an EHC plan", 3955, true, 5),
        ("he", "Moved on to higher education", 2579, false, 18),
        ("employ", "Moved on to paid employment", 4053, false, 16),
        ("transfer", "Transferred to another local authority", 13953, false, 3),
        ("no_engage", "Young person no longer engaging in education or training (19+)", 16091, false, 19),
        ("moved_outside_eng", "Moved outside England", 928, false, 3),
        ("other", "Other reason", 837, false, 5),
    ];

    public static readonly string[] BoyNames =
    [
        "Oliver", "George", "Noah", "Arthur", "Harry", "Leo", "Muhammad", "Jack", "Charlie", "Oscar", "Jacob", "Henry",
        "Freddie", "Alfie", "Theo", "Thomas", "Archie", "Joshua", "Lucas", "Ethan", "Mason", "Riley", "Finley", "Tyler",
        "Kai", "Dylan", "Logan", "Ryan", "Jayden", "Callum", "Kieran", "Aaron", "Reuben", "Tomasz", "Kacper", "Ibrahim",
    ];

    public static readonly string[] GirlNames =
    [
        "Olivia", "Amelia", "Isla", "Ava", "Ivy", "Freya", "Lily", "Florence", "Mia", "Willow", "Rosie", "Sophia",
        "Isabella", "Grace", "Daisy", "Sienna", "Poppy", "Evie", "Ella", "Millie", "Ruby", "Chloe", "Jessica", "Holly",
        "Megan", "Bethany", "Leah", "Erin", "Phoebe", "Zara", "Maja", "Aaliyah", "Hannah", "Layla", "Niamh", "Amara",
    ];

    public static readonly string[] ParentNamesFemale = ["Sarah", "Emma", "Laura", "Rachel", "Claire", "Kelly", "Gemma", "Nicola", "Joanna", "Agnieszka", "Fatima", "Natasha", "Lisa", "Hayley"];

    public static readonly string[] ParentNamesMale = ["James", "Daniel", "Mark", "Paul", "Steven", "Craig", "Lee", "Marcin", "Adam", "Ricky", "Wayne", "Imran"];

    public static readonly string[] FamilyNames =
    [
        "Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Robinson", "Wright", "Thompson",
        "Evans", "Walker", "White", "Roberts", "Green", "Hall", "Wood", "Jackson", "Clarke", "Howes", "Catchpole",
        "Thurston", "Gotts", "Bunn", "Frostick", "Lambert", "Pegg", "Sayer", "Bloomfield", "Nowak", "Kowalski", "Khan",
        "Ahmed", "Begum", "Okoye", "Mensah", "Patel", "Murphy", "Kelly", "Barker", "Platten", "Seago", "Rix", "Dye",
    ];

    public static readonly string[] Streets =
    [
        "Church Lane", "Mill Road", "The Street", "Station Road", "Victoria Road", "School Lane", "Common Lane", "Back Lane",
        "Orchard Close", "Meadow Way", "Chapel Street", "Long Lane", "Beech Drive", "Nelson Road", "Priory Walk", "Broadland Way",
        "Marsh Road", "Heath Road", "Willow Close", "Cromwell Road",
    ];

    /// <summary>Letters allowed in the inward code of a UK postcode (no C, I, K, M, O, V).</summary>
    public const string PostcodeInwardLetters = "ABDEFGHJLNPQRSTUWXYZ";

    public static readonly NeedProfile[] Needs =
    [
        new("ASD", "Autistic spectrum disorder",
            [
                "Autism: significant difficulties with social communication and interaction, a strong need for routine and predictability, and sensory sensitivities to noise that lead to distress in busy environments.",
                "Autism: difficulties understanding social expectations and others' intentions; anxiety at transitions and unstructured times; restricted interests used well to motivate learning.",
                "Autism with high anxiety: emotionally based school avoidance linked to sensory overload and social demands; masks difficulties in school and is distressed at home.",
            ],
            ("35919005", "Autism spectrum disorder", 0.75),
            [
                "will use a visual timetable to move between activities with no more than one adult prompt",
                "will tell a trusted adult when they feel anxious, using their 5-point scale, and use an agreed calming strategy",
                "will take part in a structured small-group activity with peers for 15 minutes",
                "will manage unstructured times (break and lunch) using the agreed quiet space and a chosen activity",
                "will attend all timetabled lessons with a sensory plan in place",
            ],
            [
                "Adult support of 20 hours a week from a teaching assistant trained in autism-specific approaches, across lessons and unstructured times",
                "Daily access to a low-arousal workspace and planned sensory breaks, following an occupational therapy sensory plan",
                "Weekly social communication group of 30 minutes, led by a trained member of staff",
                "Advisory teacher for autism: termly visit to advise staff and review strategies",
            ],
            [
                "Occupational therapy: sensory assessment and a sensory diet programme for school and home, reviewed termly",
                "Community paediatrics: review every 12 months of sleep and general health",
            ],
            StaffRole.CommunityPaediatrician),
        new("SLCN", "Speech, language and communication needs",
            [
                "Developmental language disorder: receptive and expressive language well below age expectations; difficulty following instructions and retelling events.",
                "Speech sound disorder: speech often unintelligible to unfamiliar listeners, leading to frustration and reluctance to talk in class.",
                "Delayed language development: limited vocabulary and sentence structure; understanding of spoken language at an early level.",
            ],
            null,
            [
                "will follow two-part spoken instructions in class without visual support",
                "will use sentences of four to five words to describe events to familiar adults",
                "will be understood by unfamiliar listeners most of the time",
                "will learn and use ten new topic words each half term",
            ],
            [
                "Daily 15-minute language session delivered by a teaching assistant trained by the speech and language therapist",
                "Visual supports (symbols, word mats, now-and-next boards) used consistently across the school day",
                "Small-group vocabulary intervention three times a week",
            ],
            [
                "Speech and language therapy: a block of six sessions each term with the NHS speech and language therapist, and a programme for school staff",
                "Speech and language therapy: termly review and training for staff, with a home programme for parents",
            ],
            StaffRole.SpeechAndLanguageTherapist),
        new("SEMH", "Social, emotional and mental health",
            [
                "Social, emotional and mental health: persistent anxiety and low mood; difficulty regulating emotions, leading to dysregulated behaviour and suspensions.",
                "Social, emotional and mental health: attention and impulse-control difficulties; struggles to sustain focus and to manage conflict with peers.",
                "Social, emotional and mental health: early trauma affecting attachment and trust in adults; needs consistent key adults and predictable routines.",
            ],
            ("406506008", "Attention deficit hyperactivity disorder", 0.35),
            [
                "will attend school for at least 90% of sessions",
                "will use agreed regulation strategies and return to learning within 10 minutes",
                "will identify two trusted adults and seek them out when upset",
                "will resolve disagreements with peers with adult support, without physical aggression",
            ],
            [
                "Key adult available daily for a morning check-in and emotional coaching, 20 minutes a day",
                "Emotional literacy support assistant (ELSA) sessions weekly for 12 weeks, then reviewed",
                "Place in a small nurture group for three mornings a week",
                "Individual behaviour and regulation plan, reviewed half-termly with parents",
            ],
            [
                "CAMHS: fortnightly sessions with a CAMHS practitioner (cognitive behavioural approaches for anxiety)",
                "Community paediatrics: ADHD medication review every 6 months",
            ],
            StaffRole.CamhsPractitioner),
        new("MLD", "Moderate learning difficulty",
            [
                "Moderate learning difficulty: attainment well below age-related expectations in all areas; needs small steps, repetition and over-learning.",
                "Moderate learning difficulty: slow processing and weak working memory; difficulty retaining new learning.",
            ],
            null,
            [
                "will read and understand simple texts at their level with 90% accuracy",
                "will use money to buy items in a shop and check the change",
                "will recall and apply number bonds to 20",
                "will complete a short independent task using a task checklist",
            ],
            [
                "Differentiated curriculum with learning in small steps and daily over-learning",
                "Small-group literacy and numeracy intervention four times a week, 30 minutes each",
                "Teaching assistant support of 15 hours a week in core subjects",
            ],
            ["Community paediatrics: developmental review as needed"],
            StaffRole.CommunityPaediatrician),
        new("SLD", "Severe learning difficulty",
            [
                "Severe learning difficulty: cognitive skills at an early developmental level; communicates with single words and signs; needs support with self-care.",
                "Severe learning difficulty with limited verbal communication; uses Makaton and symbols; needs a highly structured environment.",
            ],
            ("41040004", "Down syndrome", 0.25),
            [
                "will use Makaton signs or symbols to make requests across the school day",
                "will wash and dry hands independently after using the toilet",
                "will make choices between two options at lunchtime",
                "will use a communication aid to greet familiar people",
            ],
            [
                "Place in a special school with a class of no more than 10 pupils and a high adult ratio",
                "Total communication approach (Makaton, symbols, objects of reference) used by all staff",
                "Personalised self-care programme delivered daily",
            ],
            [
                "Speech and language therapy: communication aid assessment and termly review",
                "Community paediatrics: annual review of health needs",
            ],
            StaffRole.CommunityPaediatrician),
        new("PMLD", "Profound and multiple learning difficulty",
            [
                "Profound and multiple learning difficulties with complex medical needs; communicates through facial expression and body movement; fully dependent for personal care.",
            ],
            ("84757009", "Epilepsy", 0.6),
            [
                "will indicate a choice between two objects by eye-pointing",
                "will use a switch to activate a sensory toy or story",
                "will tolerate supported standing in a stander for 20 minutes daily",
            ],
            [
                "Place in a special school with 1:1 adult support throughout the day",
                "Sensory curriculum with intensive interaction sessions daily",
            ],
            [
                "Physiotherapy: daily programme delivered by trained staff, reviewed by the NHS physiotherapist every 6 weeks",
                "Epilepsy care plan in school; staff trained in emergency medication",
                "Community paediatrics: review every 6 months; dietetic input for gastrostomy feeding",
            ],
            StaffRole.Physiotherapist),
        new("SPLD", "Specific learning difficulty",
            [
                "Specific learning difficulty (dyslexia): decoding and spelling well below the level of verbal reasoning; slow reading speed affects access to the curriculum.",
                "Specific learning difficulty (dyspraxia): motor planning and coordination difficulties affecting handwriting and organisation.",
            ],
            null,
            [
                "will use assistive technology (speech-to-text) to produce written work independently",
                "will read texts at their chronological age with 90% accuracy",
                "will organise their equipment and homework using a planner with minimal prompts",
            ],
            [
                "Specialist dyslexia teaching: two 45-minute sessions a week using a structured, multisensory programme",
                "Access to a laptop with speech-to-text and text-to-speech software in all lessons",
                "Access arrangements for assessments (25% extra time, reader)",
            ],
            ["Occupational therapy: handwriting and fine motor programme, reviewed termly"],
            StaffRole.OccupationalTherapist),
        new("HI", "Hearing impairment",
            [
                "Hearing impairment: bilateral moderate sensorineural hearing loss; wears hearing aids; misses information in noisy classrooms.",
                "Hearing impairment: severe hearing loss with cochlear implant; uses spoken English supported by sign.",
            ],
            ("15188001", "Hearing loss", 0.9),
            [
                "will use the radio aid consistently and tell staff when it is not working",
                "will check their understanding of new vocabulary before each topic",
                "will take part in group discussions using agreed listening strategies",
            ],
            [
                "Qualified teacher of the deaf: visit twice each half term to advise staff and support the pupil",
                "Radio aid used in all lessons; seating and acoustic adjustments in the classroom",
                "Pre-teaching of topic vocabulary by a teaching assistant, 20 minutes twice a week",
            ],
            ["Audiology: hearing aid review every 6 months"],
            StaffRole.CommunityPaediatrician),
        new("VI", "Vision impairment",
            [
                "Vision impairment: severely reduced visual acuity; uses enlarged print and magnification; needs support to move safely around the site.",
            ],
            ("397540003", "Visual impairment", 0.9),
            [
                "will navigate the school site independently using a long cane",
                "will access class texts using magnification software without adult support",
            ],
            [
                "Qualified teacher of the visually impaired: fortnightly support and advice to staff",
                "Habilitation training in mobility and independence, six sessions a term",
                "Modified large-print materials prepared in advance of lessons",
            ],
            ["Ophthalmology and orthoptics: annual review"],
            StaffRole.CommunityPaediatrician),
        new("MSI", "Multi-sensory impairment",
            [
                "Multi-sensory impairment: combined hearing and vision loss; relies on touch and close-range communication.",
            ],
            null,
            [
                "will use objects of reference to anticipate the next activity",
                "will respond to their on-body signs for familiar routines",
            ],
            [
                "Qualified teacher of multi-sensory impaired children: weekly support and staff training",
                "Intervenor support throughout the school day",
            ],
            ["Audiology and ophthalmology: reviews every 6 months"],
            StaffRole.CommunityPaediatrician),
        new("PD", "Physical disability",
            [
                "Physical disability: cerebral palsy affecting mobility and fine motor skills; uses a wheelchair for longer distances.",
                "Physical disability: neuromuscular condition with reduced stamina; needs support with mobility, personal care and recording.",
            ],
            ("128188000", "Cerebral palsy", 0.6),
            [
                "will transfer from wheelchair to chair with the support of one adult",
                "will record their work using a laptop with an adapted keyboard",
                "will take part in PE with adapted activities each week",
            ],
            [
                "Teaching assistant support of 15 hours a week for mobility, personal care and recording",
                "Accessible classroom and toilet facilities; evacuation plan in place",
                "Adapted keyboard and laptop for recording",
            ],
            [
                "Physiotherapy: programme delivered by school staff daily, reviewed by the NHS physiotherapist each half term",
                "Occupational therapy: seating and equipment review every 6 months",
            ],
            StaffRole.Physiotherapist),
        new("OTH", "Other difficulty",
            [
                "Other difficulty: acquired brain injury affecting memory, fatigue and concentration.",
                "Other difficulty: chronic health condition causing frequent absence and fatigue, affecting progress.",
            ],
            null,
            [
                "will use a memory aid to recall the steps of a task",
                "will manage their energy across the school day using a planned rest break",
            ],
            [
                "Reduced timetable with planned rest breaks, reviewed half-termly",
                "Teaching assistant support of 10 hours a week",
            ],
            ["Community paediatrics: review every 6 months"],
            StaffRole.CommunityPaediatrician),
        new("DS", "Down syndrome",
            [
                "Down syndrome: learning and language delay, with stronger visual than auditory memory; mild hearing loss from glue ear.",
            ],
            ("41040004", "Down syndrome", 1.0),
            [
                "will read 50 sight words using a whole-word approach",
                "will use sentences of three words supported by signing",
            ],
            [
                "Teaching assistant support of 25 hours a week, with a visual and whole-word approach to reading",
                "Makaton signing used by staff in class",
            ],
            [
                "Speech and language therapy: termly programme",
                "Audiology: hearing review every 6 months",
            ],
            StaffRole.SpeechAndLanguageTherapist),
    ];

    public static readonly string[] NsaDescriptions =
    [
        "SEN support: difficulties with learning noted by the school; no specialist assessment of the type of need yet.",
    ];

    /// <summary>Preparation for Adulthood outcomes (SEND Code of Practice chapter 8), by the pfa-domain code.</summary>
    public static readonly (string Domain, string[] Outcomes)[] PfaOutcomes =
    [
        ("employment",
        [
            "will complete a supported internship in a retail or hospitality setting",
            "will achieve Entry Level 3 qualifications in English and maths",
            "will prepare a CV and practise interview skills for a part-time job",
            "will complete a two-week work experience placement with a local employer",
        ]),
        ("independent-living",
        [
            "will travel independently by bus between home and college on a familiar route",
            "will plan and cook a simple meal with minimal support",
            "will manage a weekly budget for their own shopping",
            "will use a phone calendar to manage their own appointments",
        ]),
        ("community-inclusion",
        [
            "will join a community club or activity of their choice and attend weekly",
            "will arrange to meet friends using their mobile phone",
            "will volunteer for a local organisation for two hours a week",
        ]),
        ("health",
        [
            "will manage their own medication with a prompt from an app",
            "will attend their own health appointments and explain their needs to clinicians",
            "will take part in physical activity three times a week",
        ]),
    ];

    /// <summary>Progress notes by goal-achievement code.</summary>
    public static readonly (string Code, string Display, double Weight, string[] Notes)[] Progress =
    [
        ("in-progress", "In Progress", 40, ["Working towards the outcome; the short-term targets set by the setting are partly met.", "Steady progress; targets carried forward to next term."]),
        ("improving", "Improving", 25, ["Good progress since the last review; now does this with fewer prompts.", "Clear improvement reported by school and parents; next step agreed."]),
        ("achieved", "Achieved", 10, ["Outcome achieved and sustained across settings; a new outcome to be agreed at review."]),
        ("no-change", "No Change", 12, ["Little change since the last review; strategies to be revisited with the specialist teacher."]),
        ("worsening", "Worsening", 5, ["Regression reported after a period of absence; support increased and reviewed in six weeks."]),
        ("sustaining", "Sustaining", 8, ["Skill maintained; now working on using it in new settings."]),
    ];

    /// <summary>Social care needs (section D) and provision (H1 under 18, H2 otherwise).</summary>
    public static readonly string[] SocialCareNeeds =
    [
        "Needs a high level of supervision and personal care at home; the family needs regular short breaks to sustain care.",
        "Needs support to take part in activities in the community with peers.",
        "Family needs support to manage behaviour that challenges at home.",
    ];

    public static readonly string[] SocialCareProvisionH1 =
    [
        "Short breaks: 4 hours a week with a support worker and one overnight stay a month (CSDPA 1970 s.2)",
        "Specialist holiday activity scheme: 10 days each summer (CSDPA 1970 s.2)",
        "Home adaptations assessment by social care occupational therapy (CSDPA 1970 s.2)",
    ];

    public static readonly string[] SocialCareProvisionH2 =
    [
        "Family support worker visits fortnightly to support routines and behaviour at home",
        "Transition to adult social care: Care Act 2014 needs assessment before the 18th birthday",
        "Personal assistant 6 hours a week to support community access (Care Act 2014)",
    ];

    /// <summary>Section A for a younger child (written with or by the parents).</summary>
    public static readonly string[] AspirationsChild =
    [
        "All about me: I like trains, drawing and being outside. I want to have friends at school and to learn to swim.",
        "Parents' views: we want our child to be happy and safe at school and to be able to tell us what they need.",
        "What is important to me: my family, my dog, football, and knowing what is happening next.",
        "All about me: I love dinosaurs and music. Loud places and changes to my day make me worried.",
    ];

    /// <summary>Section A for a young person (14+), in their own words.</summary>
    public static readonly string[] AspirationsYoungPerson =
    [
        "My views: I want to go to college and work with animals. I find noisy rooms hard.",
        "My aspirations: I want to live in my own flat with some help and have a job in a café.",
        "What matters to me: gaming with my friends, learning to drive one day, and a job in IT.",
        "My goals: to travel on the bus on my own and to get a part-time job at the weekend.",
    ];
}
