"""Deterministic demo content: people, tags, articles and reader comments.

Nothing here touches the database; `seed_demo` turns these plans into rows.
Every article is drawn from its own `random.Random(f"gazette-{index}")`, so
article 17 reads the same on every machine and every run, whatever else exists.

Bodies are assembled from a fixed pool of Markdown blocks that are rendered
once each: rendering Markdown for every one of 100,000 articles would take
minutes, and a body made of whole blocks renders to exactly the blocks' HTML
joined by newlines, which the tests check.
"""

import functools
import random
from dataclasses import dataclass
from datetime import timedelta

from django.utils.text import slugify

from content.markdown import render_markdown

# `.test` is reserved (RFC 2606), so no real account can have an address here;
# it is how `seed_demo --reset` tells demo users from real ones.
DEMO_EMAIL_DOMAIN = "demo.gazette.test"

# --- People --------------------------------------------------------------------


@dataclass(frozen=True)
class DemoPerson:
    """A demo account. `beats` are the topic tags an author mostly writes under."""

    name: str
    bio: str = ""
    beats: tuple[str, ...] = ()

    # Cached: every article plan names its author and readers by username.
    @functools.cached_property
    def username(self):
        return slugify(self.name).replace("-", ".")

    @property
    def email(self):
        return f"{self.username}@{DEMO_EMAIL_DOMAIN}"

    @property
    def first_name(self):
        return self.name.split(" ", 1)[0]

    @property
    def last_name(self):
        return self.name.split(" ", 1)[1]


AUTHORS = (
    DemoPerson(
        "Maya Okafor",
        "Maya covers cities: transport, housing and the small public spaces that make a "
        "neighbourhood work. She lives in Leeds and cycles everywhere, mostly in the rain.",
        beats=("Cities", "Travel"),
    ),
    DemoPerson(
        "Daniel Brandt",
        "Daniel trained as a physicist and writes about how research actually gets done, "
        "including the parts that never make it into the paper.",
        beats=("Science",),
    ),
    DemoPerson(
        "Priya Raman",
        "Priya writes about food and health, usually from a market, a hospital corridor or "
        "her own kitchen. She is still looking for the perfect dal.",
        beats=("Food", "Health"),
    ),
    DemoPerson(
        "Tomás Ortega",
        "Tomás has fixed more laptops than he can count and now writes about technology "
        "for people who would rather not think about it.",
        beats=("Technology",),
    ),
    DemoPerson(
        "Hannah Lindqvist",
        "Hannah reports on climate and energy, with a soft spot for the engineers who keep "
        "the lights on. She grew up on an island in the Baltic.",
        beats=("Climate", "Science"),
    ),
    DemoPerson(
        "Samuel Adeyemi",
        "Samuel reviews books and records, runs a reading group on Thursdays and has opinions "
        "about liner notes that he will share if asked.",
        beats=("Books", "Music"),
    ),
    DemoPerson(
        "Chloé Martin",
        "Chloé writes about travel without planes and food without fuss. She has crossed "
        "Europe by night train more times than is strictly sensible.",
        beats=("Travel", "Food"),
    ),
    DemoPerson(
        "Kenji Watanabe",
        "Kenji is a designer turned writer. He notices fonts on bus stops and wants you to "
        "notice them too.",
        beats=("Design", "Technology"),
    ),
)

EDITOR = DemoPerson(
    "Ruth Calloway",
    "Ruth is the Gazette's editor. She spent fifteen years on regional newspapers and still "
    "reads every piece twice before it goes out.",
)

READERS = tuple(
    DemoPerson(name)
    for name in (
        "Amara Nwosu", "Ben Hartley", "Clara Jensen", "David Cohen", "Elena Petrova",
        "Farid Haddad", "Grace O'Neill", "Hugo Lefebvre", "Inês Carvalho", "Jonas Weber",
        "Kavya Iyer", "Liam Murphy", "Mei Chen", "Noah Fischer", "Olivia Brooks",
        "Pablo Romero", "Quinn Taylor", "Rosa Ferreira", "Sven Nilsson", "Tara Singh",
        "Umar Siddiqui", "Vera Novak", "Will Turner", "Ximena Flores", "Yusuf Demir",
        "Zoe Campbell", "Aiko Tanaka", "Bruno Costa", "Camille Dubois", "Dmitri Volkov",
    )
)  # fmt: skip

# --- Topics and tags -------------------------------------------------------------


@dataclass(frozen=True)
class Topic:
    """The vocabulary of one beat. `things` and `people` are plural noun phrases,
    `issues` singular ones, `activities` gerund phrases ("running a market stall")."""

    tag: str
    things: tuple[str, ...]
    people: tuple[str, ...]
    issues: tuple[str, ...]
    activities: tuple[str, ...]


TOPICS = (
    Topic(
        "Cities",
        things=("night buses", "pocket parks", "corner shops", "protected bike lanes",
                "public libraries", "street markets", "rooftop gardens", "tram lines",
                "public benches", "shared courtyards"),
        people=("city planners", "bus drivers", "shopkeepers", "residents", "councillors",
                "commuters", "street cleaners"),
        issues=("the cost of housing", "public transport", "street safety", "noise at night",
                "zoning reform", "parking", "urban heat"),
        activities=("riding the night bus", "walking to work", "running a corner shop",
                    "planning a new park", "sitting on a housing committee"),
    ),
    Topic(
        "Science",
        things=("backyard telescopes", "weather balloons", "citizen science apps",
                "deep-sea sensors", "seed banks", "field notebooks", "lab notebooks",
                "particle detectors"),
        people=("researchers", "lab technicians", "amateur astronomers", "graduate students",
                "field biologists", "data scientists"),
        issues=("reproducibility", "research funding", "peer review", "open data",
                "measurement error", "science communication"),
        activities=("counting birds at dawn", "repeating old experiments",
                    "building a telescope at home", "cataloguing moths",
                    "reviewing papers for free"),
    ),
    Topic(
        "Food",
        things=("sourdough starters", "night markets", "school lunches", "family bakeries",
                "allotments", "spice blends", "food trucks", "community fridges"),
        people=("bakers", "line cooks", "market traders", "home cooks", "farmers",
                "restaurant owners", "food historians"),
        issues=("food waste", "the price of bread", "seasonal eating", "kitchen work",
                "the cost of eating out", "school food"),
        activities=("baking before sunrise", "cooking for a school canteen",
                    "running a market stall", "growing vegetables on a balcony",
                    "eating only local food"),
    ),
    Topic(
        "Technology",
        things=("open-source tools", "old laptops", "smart meters", "password managers",
                "e-readers", "repair cafés", "home servers", "chatbots"),
        people=("software engineers", "repair technicians", "product designers",
                "IT teachers", "security researchers", "small business owners"),
        issues=("data privacy", "software bloat", "the right to repair", "battery life",
                "digital accessibility", "online security"),
        activities=("repairing old phones", "running a home server",
                    "living without a smartphone", "teaching coding to retirees",
                    "maintaining an open-source library"),
    ),
    Topic(
        "Climate",
        things=("heat pumps", "solar panels", "rain gardens", "cooling centres",
                "flood barriers", "community energy projects", "electric ferries",
                "street trees"),
        people=("climate scientists", "engineers", "farmers", "insurance analysts",
                "flood wardens", "energy advisers"),
        issues=("flood risk", "summer heat", "home insulation", "the energy bill",
                "water scarcity", "coastal erosion"),
        activities=("insulating an old house", "living with a heat pump",
                    "planting trees in a dry summer", "measuring river levels",
                    "running a village energy cooperative"),
    ),
    Topic(
        "Books",
        things=("independent bookshops", "library cards", "book clubs",
                "secondhand paperbacks", "translated novels", "short story collections",
                "audiobooks", "reading lists"),
        people=("booksellers", "librarians", "translators", "first-time novelists",
                "editors", "teenage readers"),
        issues=("the price of books", "children's literacy", "the future of libraries",
                "literary translation", "reading for pleasure"),
        activities=("running a book club", "translating poetry", "reading one book a week",
                    "working in a secondhand bookshop", "writing a first novel"),
    ),
    Topic(
        "Travel",
        things=("night trains", "long-distance footpaths", "small guesthouses",
                "ferry crossings", "off-season trips", "hostels", "slow itineraries",
                "regional railways"),
        people=("travellers", "tour guides", "hotel owners", "train conductors",
                "backpackers", "local hosts"),
        issues=("overtourism", "the cost of flying", "rail booking", "travelling light",
                "accessible travel"),
        activities=("travelling by night train", "walking the coast path",
                    "running a small guesthouse", "crossing Europe without flying",
                    "guiding walking tours"),
    ),
    Topic(
        "Design",
        things=("typefaces", "public signs", "kitchen chairs", "paper maps", "museum labels",
                "bus timetables", "shop fronts", "tote bags"),
        people=("graphic designers", "furniture makers", "type designers", "illustrators",
                "museum curators", "architects"),
        issues=("readability", "wayfinding", "accessible design", "sustainable materials",
                "colour contrast"),
        activities=("designing a typeface", "drawing maps by hand", "making chairs",
                    "redesigning a railway station", "restoring old signs"),
    ),
    Topic(
        "Health",
        things=("walking groups", "community clinics", "sleep trackers", "standing desks",
                "free swimming sessions", "running clubs", "pharmacy checks"),
        people=("nurses", "family doctors", "physiotherapists", "pharmacists",
                "health researchers", "patients"),
        issues=("waiting times", "sleep", "everyday exercise", "mental health",
                "the cost of medicine"),
        activities=("running before work", "working night shifts",
                    "sleeping eight hours a night", "walking ten thousand steps",
                    "volunteering at a clinic"),
    ),
    Topic(
        "Music",
        things=("vinyl records", "small venues", "school orchestras", "community choirs",
                "cassette tapes", "street musicians", "rehearsal rooms", "brass bands"),
        people=("sound engineers", "session musicians", "music teachers", "promoters",
                "record shop owners", "concertgoers"),
        issues=("streaming royalties", "ticket pricing", "noise regulation",
                "music education", "live music funding"),
        activities=("playing in a choir", "running a small venue", "collecting vinyl",
                    "teaching the violin", "touring in a borrowed van"),
    ),
)  # fmt: skip

# Formats cut across topics; a report carries only its topic's tag.
EXPLAINERS_TAG = "Explainers"
OPINION_TAG = "Opinion"
TAG_NAMES = (*(topic.tag for topic in TOPICS), EXPLAINERS_TAG, OPINION_TAG)

PLACES = (
    "Lisbon", "Leeds", "Montreal", "Osaka", "Rotterdam", "Valencia", "Glasgow", "Lyon",
    "Copenhagen", "Melbourne", "Bristol", "Ghent", "Porto", "Tallinn", "Bologna", "Vienna",
    "Cork", "Nantes", "Wellington", "Malmö", "Ljubljana", "Seville", "Utrecht", "Krakow",
)  # fmt: skip

# People quoted in articles; never accounts.
SOURCES = (
    "Ana Sousa", "Joe Whitfield", "Marta Kowalski", "Idris Bello", "Lena Hoffmann",
    "Rafael Mendes", "Siobhan Walsh", "Arjun Mehta", "Nora Eriksen", "Theo Marchetti",
    "Fatima Zahra", "Ruben Vos", "Helen Park", "Mateo Ruiz", "Agnes Holm", "Kwame Mensah",
)  # fmt: skip

MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
COUNT_WORDS = {3: "Three", 4: "Four", 5: "Five", 6: "Six", 7: "Seven"}
# House style spells out small numbers.
NUMBER_WORDS = ("three", "four", "five", "six", "seven", "eight", "nine", "ten", "twelve")

QUOTES = (
    "Nobody asked us what we needed, so we started asking each other",
    "It is not glamorous work, but it is the work that matters",
    "People think it happened overnight. It took ten years",
    "We made every mistake you can make, and then we fixed them",
    "The hard part is not the idea, it is the Tuesday after the launch",
    "Once people try it, they rarely go back",
    "We are not against change. We just want to be part of it",
    "I thought it would be a side project. It became most of my week",
    "The money matters less than people think. Time matters more",
    "Every year someone tells us this will not last",
)

# --- Titles and summaries ----------------------------------------------------------

TITLES = {
    "report": (
        "Why {things} are back in {place}",
        "The quiet comeback of {things}",
        "What {people} can teach us about {issue}",
        "A year of {activity}",
        "Who really pays for {issue}?",
        "Inside {place}'s experiment with {things}",
        "{Count} lessons from {activity}",
        "How {people} in {place} are rethinking {issue}",
        "The people behind {place}'s {things}",
        "Small fixes for {issue}",
        "{Things} and the future of {issue}",
        "What {place} learned from {activity}",
        "The unexpected return of {things}",
    ),
    "explainer": (
        "{Things}, explained",
        "A plain guide to {issue}",
        "{Count} questions about {issue}, answered",
        "What you need to know about {things}",
        "How {things} actually work",
    ),
    "opinion": (
        "The case for {things}",
        "In praise of {things}",
        "What {activity} taught me",
        "We should talk more about {issue}",
        "Are {things} worth the fuss?",
        "Stop underestimating {people}",
    ),
}

SUMMARIES = {
    "report": (
        "{People} in {place} told us how {things} are changing their work, and what it "
        "means for {issue}.",
        "A closer look at {things}: who uses them, who pays for them, and why {people} keep "
        "asking for more.",
        "From {place} to {place2}, {things} are getting a second look.",
        "{Issue} has no easy answers, but {people} in {place} are trying a few.",
        "We spent a month with {people} who know {issue} better than anyone.",
    ),
    "explainer": (
        "Everything you need to know about {issue}, in plain language.",
        "{Things} come up in every conversation about {issue}. Here is how they work.",
        "We asked {people} to explain the basics of {issue}.",
    ),
    "opinion": (
        "{Things} rarely make headlines. They should.",
        "A personal argument for taking {issue} seriously, from a year of {activity}.",
        "{People} deserve more credit than they get, and here is why.",
    ),
}

# Only reports get one: explainer and opinion summaries already end on their point.
SUMMARY_ENDINGS = (
    "We asked why.",
    "The answers were not what we expected.",
    "Here is what we found.",
    "It is a more hopeful story than it sounds.",
    "Some of it is working.",
)

# --- Body sentences ------------------------------------------------------------------

OPENINGS = (
    "In {place}, {people} have started to notice that {things} are changing faster than "
    "anyone expected.",
    "Ask {people} about {issue} and most will give you the same answer: it depends on who "
    "is paying.",
    "It started, as these things often do, with a small group of {people} and a shared "
    "frustration.",
    "For most of the last decade, {things} were an afterthought.",
    "On a grey {weekday} morning in {place}, the first thing you notice is how ordinary it "
    "all looks.",
    "Nobody set out to make {issue} a talking point, but here we are.",
    "There is a reason {things} keep coming up whenever {people} talk about {issue}.",
    "The idea behind {things} is simple enough to fit on a postcard.",
    "By {month} {year}, the numbers on {issue} had become hard to ignore.",
    "{Source} has spent {number} years {activity}, and still finds it surprising.",
    "If you want to understand {issue}, start with {things}.",
    "The story of {things} in {place} is mostly a story about patience.",
)

MIDDLES = (
    "According to a survey published in {month} {year}, about {percent} per cent of {people} "
    "said they had changed their habits.",
    "“{quote},” says {source}, one of the {people} we spoke to.",
    "That may sound modest, but the effect adds up over a year.",
    "Critics argue that the focus on {things} distracts from harder questions about {issue}.",
    "A similar scheme in {place2} ran into trouble within a few months.",
    "The cost, spread over {number} years, turned out to be lower than anyone expected.",
    "What looks like a small change on paper can feel very different on a wet {weekday} evening.",
    "Not everyone is convinced.",
    "Part of the appeal is that {things} are easy to copy.",
    "The hardest part, several {people} told us, is keeping things going once the attention fades.",
    "A [recent report](https://example.com/reports/{issue_slug}) put the figure closer to "
    "{percent} per cent.",
    "The short version: **{issue} is not going away**.",
    "That is where *{things}* come in.",
    "Supporters point to {place2}, where {things} have been part of daily life for years.",
    "Money helps, but it is rarely the whole answer.",
    "The data is patchy, and the people who collect it are the first to admit it.",
    "In {place2}, the same idea took {number} years to catch on.",
    "The result is less dramatic than the headlines suggest, and more interesting.",
    "Even so, {percent} per cent is not a number to wave away.",
    "There are trade-offs, and the {people} we met were candid about them.",
    "Much of the work happens out of sight, early in the morning or late at night.",
    "{Source}, who has been {activity} since {year}, is cautiously optimistic.",
    "The full figures are [published online](https://example.com/data/{things_slug}) for "
    "anyone who wants to check them.",
    "For {people}, the change is *practical* rather than ideological.",
    "One of the {people} we met keeps a spreadsheet of every complaint, going back to {year}.",
    "The first attempt, in {year}, was quietly dropped after a year.",
    "Local papers in {place2} covered it for a week, then moved on.",
    "There is no shortage of opinions, and a real shortage of data.",
    "Some of the loudest objections came from people who had never tried {things}.",
    "{Source} puts it more bluntly: “{quote}.”",
    "It is easy to romanticise {things}, and the {people} we met were quick to warn against it.",
    "Timing mattered as much as money.",
    "Word of mouth did most of the work.",
    "By the end of the first year, {number} other towns had asked for the plans.",
    "Not every experiment worked, and the ones that did were rarely the ones people expected.",
    "The paperwork, everyone agrees, was the worst part.",
    "In interviews, {people} returned again and again to one word: trust.",
    "Nobody is getting rich from {things}, and that may be the point.",
    "The budget for the whole thing was smaller than the cost of resurfacing a single road.",
    "Ask who benefits and the answer is usually: more people than you would think.",
)

CLOSINGS = (
    "The lesson, if there is one, is that {issue} rarely has a single fix.",
    "For now, {things} remain a small part of the picture, and a useful one.",
    "Whether it lasts is another question, but the early signs are good.",
    "We will return to this story in {month}.",
    "As one of the {people} put it to us: start small, and keep going.",
    "It is not a revolution. It may be something better: a habit.",
    "If you have a story about {things} where you live, we would like to hear it.",
    "The next few years will show whether {place} was early or simply lucky.",
)

HEADINGS = (
    "What changed",
    "The view from {place}",
    "Why it matters",
    "What comes next",
    "The numbers",
    "A closer look at {things}",
    "Counting the cost",
    "What {people} say",
    "How it works",
    "The catch",
    "Lessons from {place2}",
)

LIST_LEADS = (
    "{Count} things stood out from our conversations with {people}:",
    "If you want to try this where you live, {people} suggest starting here:",
    "What made the difference, according to the people involved:",
    "The main arguments, in short:",
)

LIST_ITEMS = (
    "{Things} that are cheap to start and easy to copy",
    "Clear, public rules about {issue}",
    "A real say for {people} from the start",
    "Funding that lasts longer than one budget cycle",
    "Honest numbers, published every quarter",
    "Patience, and a willingness to change course",
    "Learning from what worked in {place2}",
    "Regular check-ins with {people}",
    "Talking to {people} before buying anything",
    "Measuring what matters, not what is easy to count",
    "A **named person** who answers the phone",
)

# --- Comment text --------------------------------------------------------------------

COMMENT_OPENINGS = (
    "Really enjoyed this.",
    "Great piece.",
    "This matches what I've seen where I live.",
    "Interesting, though I'm not fully convinced.",
    "Thanks for writing this.",
    "I disagree with the conclusion, but it's a fair piece.",
    "Finally someone is writing about this.",
    "Shared this with my family.",
    "Good read.",
    "I work in this area and this is mostly right.",
    "Lovely writing.",
    "This made my morning.",
    "Well researched, as usual.",
    "Not sure about the numbers here.",
    "I had no idea about any of this.",
    "Read it twice.",
    "A bit one-sided, in my view.",
    "Printed this out for our staff room.",
)

COMMENT_FOLLOW_UPS = (
    "Would love a follow-up in a year.",
    "The quote in the middle says it all.",
    "Our town tried something similar and it fell apart after a few months.",
    "More of this, please.",
    "I'd like to see the data behind the survey though.",
    "The section on costs was the most useful part for me.",
    "My neighbour has been saying this for years.",
    "Any chance of a piece on how this works in smaller towns?",
    "Saving this for later.",
    "It's the funding question that worries me.",
    "The photos would have helped, but the writing carries it.",
    "Curious what the people who disagree would say.",
)

# Hidden comments are what moderators actually hide: spam, insults, the wrong thread.
HIDDEN_COMMENTS = (
    "Great article! Check out my profile for cheap watches.",
    "Clickbait. Unsubscribing.",
    "You clearly know nothing about this and neither does your editor.",
    "Off-topic, but does anyone know when the bins are collected on Fridays?",
    "Earn money from home, message me for details!!!",
)

# --- Filling templates ---------------------------------------------------------------


def _seeded_rng(seed):
    # Reproducible demo text is the point; nothing here needs unpredictability.
    return random.Random(seed)  # noqa: S311


# Slugs for example.com links; the same few dozen phrases are slugified over and over.
_link_slug = functools.cache(slugify)


def _capitalised(text):
    # str.capitalize() would lower-case the rest ("IT teachers" -> "It teachers").
    return text[:1].upper() + text[1:]


def _slots(rng, topic):
    """One random filling for every placeholder the templates use."""
    place, place2 = rng.sample(PLACES, 2)
    things = rng.choice(topic.things)
    people = rng.choice(topic.people)
    issue = rng.choice(topic.issues)
    count = rng.randint(3, 7)
    return {
        "place": place,
        "place2": place2,
        "things": things,
        "Things": _capitalised(things),
        "things_slug": _link_slug(things),
        "people": people,
        "People": _capitalised(people),
        "issue": issue,
        "Issue": _capitalised(issue),
        "issue_slug": _link_slug(issue),
        "activity": rng.choice(topic.activities),
        "source": rng.choice(SOURCES),
        "Source": rng.choice(SOURCES),
        "quote": rng.choice(QUOTES),
        "month": rng.choice(MONTHS),
        "weekday": rng.choice(WEEKDAYS),
        "year": rng.randint(2015, 2024),
        "number": rng.choice(NUMBER_WORDS),
        "percent": rng.randint(8, 64),
        "Count": COUNT_WORDS[count],
    }


def _paragraph(rng, topic, *parts):
    """A paragraph of sentences drawn from `(templates, count)` parts, and the templates
    it used. Every sentence gets fresh slots, so one paragraph can mention several places."""
    chosen = [t for templates, count in parts for t in rng.sample(templates, count)]
    return " ".join(t.format(**_slots(rng, topic)) for t in chosen), frozenset(chosen)


# --- The block pool -------------------------------------------------------------------


@dataclass(frozen=True)
class Block:
    """One Markdown block and its sanitized HTML, rendered once. `sentences` are the
    templates it was written from, so an article can avoid repeating a sentence."""

    markdown: str
    html: str
    sentences: frozenset[str] = frozenset()

    @classmethod
    def render(cls, markdown, sentences=frozenset()):
        return cls(markdown, render_markdown(markdown), sentences)


class BlockPool:
    """Per-topic paragraphs, headings and lists that article bodies are assembled from.

    The pool is drawn from its own fixed seed, so it is the same on every run and an
    article's body depends only on its index.
    """

    OPENINGS_PER_TOPIC = 40
    MIDDLES_PER_TOPIC = 120
    CLOSINGS_PER_TOPIC = 30
    LISTS_PER_TOPIC = 25

    def __init__(self):
        rng = _seeded_rng("gazette-blocks")
        self.openings, self.middles, self.closings = {}, {}, {}
        self.headings, self.lists = {}, {}
        for topic in TOPICS:
            self.openings[topic.tag] = [
                Block.render(*_paragraph(rng, topic, (OPENINGS, 1), (MIDDLES, rng.randint(2, 3))))
                for _ in range(self.OPENINGS_PER_TOPIC)
            ]
            self.middles[topic.tag] = [
                Block.render(*_paragraph(rng, topic, (MIDDLES, rng.randint(2, 4))))
                for _ in range(self.MIDDLES_PER_TOPIC)
            ]
            self.closings[topic.tag] = [
                Block.render(*_paragraph(rng, topic, (MIDDLES, rng.randint(1, 2)), (CLOSINGS, 1)))
                for _ in range(self.CLOSINGS_PER_TOPIC)
            ]
            # The page's <h1> is the title; "# " is a section, rendered as <h2>.
            self.headings[topic.tag] = [
                Block.render("# " + _capitalised(t.format(**_slots(rng, topic)))) for t in HEADINGS
            ]
            self.lists[topic.tag] = [self._list(rng, topic) for _ in range(self.LISTS_PER_TOPIC)]

    @staticmethod
    def _list(rng, topic):
        """A lead-in paragraph and the list it introduces, as two blocks."""
        slots = _slots(rng, topic)
        items = [t.format(**slots) for t in rng.sample(LIST_ITEMS, rng.randint(3, 5))]
        if rng.random() < 0.5:
            lines = [f"- {item}" for item in items]
        else:
            lines = [f"{number}. {item}" for number, item in enumerate(items, start=1)]
        slots["Count"] = COUNT_WORDS[len(items)]
        return Block.render(rng.choice(LIST_LEADS).format(**slots)), Block.render("\n".join(lines))


@functools.cache
def block_pool():
    """The block pool, built once per process: it never changes."""
    return BlockPool()


# --- Articles ----------------------------------------------------------------------------

DRAFT, SCHEDULED, PUBLISHED = "draft", "scheduled", "published"
# The newest slots hold what a newsroom has in flight: two pieces scheduled and a draft;
# older drafts are scattered through the archive, as abandoned drafts are.
SCHEDULED_INDICES = {0: timedelta(days=1), 6: timedelta(days=3)}
DRAFT_INDICES = {1}
DRAFT_EVERY = 37
# Published articles go back from the reference time about this far apart, newest first.
PUBLISHING_INTERVAL = timedelta(hours=3)
FEATURED_AMONG_NEWEST = 12


@dataclass(frozen=True)
class ArticlePlan:
    """Everything `seed_demo` needs to create article `index`.

    `published_offset` is relative to the seed's reference time (negative: in the
    past) and None for drafts; people are referred to by username.
    """

    index: int
    title: str
    slug: str
    summary: str
    body: str
    body_html: str
    kind: str
    published_offset: timedelta | None
    is_featured: bool
    author: str
    tags: tuple[str, ...]
    liked_by: tuple[str, ...]
    bookmarked_by: tuple[str, ...]


def _article_kind(index):
    if index in SCHEDULED_INDICES:
        return SCHEDULED
    if index in DRAFT_INDICES or index % DRAFT_EVERY == DRAFT_EVERY // 2:
        return DRAFT
    return PUBLISHED


def _published_offset(index, rng):
    kind = _article_kind(index)
    jitter = timedelta(minutes=rng.randint(0, 150))
    if kind == SCHEDULED:
        return SCHEDULED_INDICES[index] + jitter
    if kind == DRAFT:
        return None
    # The jitter stays under the interval, so a larger index is always older.
    return -(index * PUBLISHING_INTERVAL + jitter)


def _article_start(index):
    """The first draws from article `index`'s RNG: its publication time, topic, format,
    the slots its title and summary share, and the title. Slug and plan both start here."""
    rng = _seeded_rng(f"gazette-{index}")
    offset = _published_offset(index, rng)
    topic = rng.choice(TOPICS)
    article_format = rng.choices(("report", "explainer", "opinion"), weights=(6, 2, 2))[0]
    slots = _slots(rng, topic)
    title = _capitalised(rng.choice(TITLES[article_format]).format(**slots))
    return rng, offset, topic, article_format, slots, title


def _slug(index, title):
    # The index makes it unique among demo articles whatever the title templates produce.
    return f"{slugify(title)[:180].strip('-')}-{index + 1}"


def article_slug(index):
    """The slug of article `index`, without building its body."""
    *_, title = _article_start(index)
    return _slug(index, title)


def published_offset(index):
    """When article `index` is (or will be) published, relative to the reference time;
    None for a draft."""
    return _article_start(index)[1]


def article_plan(index):
    """Article `index`, drawn from its own seeded RNG, its body assembled from the block pool."""
    rng, offset, topic, article_format, slots, title = _article_start(index)
    kind = _article_kind(index)

    summary = rng.choice(SUMMARIES[article_format]).format(**slots)
    if article_format == "report" and rng.random() < 0.5:
        summary += " " + rng.choice(SUMMARY_ENDINGS)

    blocks = _body_blocks(rng, block_pool(), topic.tag)

    tags = [topic.tag]
    if article_format == "explainer":
        tags.append(EXPLAINERS_TAG)
    elif article_format == "opinion":
        tags.append(OPINION_TAG)
    if rng.random() < 0.25:
        tags.append(rng.choice([t.tag for t in TOPICS if t is not topic]))

    beat_authors = [author for author in AUTHORS if topic.tag in author.beats]
    author = rng.choice(beat_authors if rng.random() < 0.85 else AUTHORS)

    liked_by, bookmarked_by = (), ()
    if kind == PUBLISHED:
        # Readers like what they can see; the newest pieces have had the most attention.
        likes = rng.randint(0, 6) + (8 if index < 20 else 0)
        liked_by = tuple(reader.username for reader in rng.sample(READERS, likes))
        if index % 9 == 4:
            bookmarked_by = tuple(r.username for r in rng.sample(READERS, rng.randint(1, 2)))

    return ArticlePlan(
        index=index,
        title=title,
        slug=_slug(index, title),
        summary=summary,
        body="\n\n".join(block.markdown for block in blocks),
        body_html="\n".join(block.html for block in blocks),
        kind=kind,
        published_offset=offset,
        is_featured=kind == PUBLISHED and index < FEATURED_AMONG_NEWEST and index % 3 == 2,
        author=author.username,
        tags=tuple(tags),
        liked_by=liked_by,
        bookmarked_by=bookmarked_by,
    )


def _body_blocks(rng, pool, tag):
    """Four to seven blocks: paragraphs, maybe a section heading, maybe a list.

    A list is always followed by a paragraph or the end: two lists separated only by a
    blank line would merge into one when the whole body is rendered.
    """
    used = set()
    blocks = [_fresh(rng, pool.openings[tag], used), _fresh(rng, pool.middles[tag], used)]
    if rng.random() < 0.5:
        blocks.append(rng.choice(pool.headings[tag]))
    blocks.append(_fresh(rng, pool.middles[tag], used))
    if rng.random() < 0.35:
        blocks += rng.choice(pool.lists[tag])
    else:
        blocks.append(_fresh(rng, pool.middles[tag], used))
    if rng.random() < 0.5:
        blocks.append(_fresh(rng, pool.closings[tag], used))
    return blocks


def _fresh(rng, blocks, used, *, attempts=12):
    """A block sharing no sentence template with `used` (or, rarely, the last one tried)."""
    for _ in range(attempts):
        block = rng.choice(blocks)
        if not block.sentences & used:
            break
    used |= block.sentences
    return block


# --- Comments ----------------------------------------------------------------------------

HIDDEN_EVERY = 12


@dataclass(frozen=True)
class CommentPlan:
    """Demo comment `number`. `recency` in [0, 1) picks the article among the newest
    published ones (0 is the newest); `delay` is the time after publication."""

    body: str
    author: str
    recency: float
    delay: timedelta
    is_hidden: bool


def comment_plan(number):
    """Demo comment `number`, drawn from its own seeded RNG."""
    rng = _seeded_rng(f"gazette-comment-{number}")
    is_hidden = number % HIDDEN_EVERY == HIDDEN_EVERY // 2
    if is_hidden:
        body = rng.choice(HIDDEN_COMMENTS)
    else:
        body = rng.choice(COMMENT_OPENINGS)
        if rng.random() < 0.7:
            body += " " + rng.choice(COMMENT_FOLLOW_UPS)
    return CommentPlan(
        body=body,
        author=rng.choice(READERS).username,
        # Cubing skews towards 0: most conversation happens under the newest pieces.
        recency=rng.random() ** 3,
        delay=timedelta(minutes=rng.randint(5, 36 * 60)),
        is_hidden=is_hidden,
    )
