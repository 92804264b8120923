"""The words people use around numbers: scales, units, and the cue phrases that make a number a
minimum, a maximum or an approximation. Data for `numbers` and `quantities`, kept apart so it
reads as a table.
"""

from __future__ import annotations

from typing import Literal, cast

Bound = Literal["min", "max", "approx"]

SCALES = {"thousand": 1_000, "grand": 1_000, "k": 1_000, "million": 1_000_000,
           "millions": 1_000_000, "mil": 1_000_000, "mill": 1_000_000, "mn": 1_000_000,
           "m": 1_000_000}  # fmt: skip


def words(text: str) -> frozenset[str]:
    return frozenset(text.split())


def cues(table: str) -> list[tuple[str, Bound]]:
    """Parse "bound: phrase | phrase" lines; longest phrases first so "not more than" beats
    "more than" and "nothing over" beats "over"."""
    cues: list[tuple[str, Bound]] = []
    for line in table.strip().splitlines():
        bound, phrases = line.split(":", 1)
        cues += [(p.strip(), cast(Bound, bound.strip())) for p in phrases.split("|")]
    return sorted(cues, key=lambda c: -len(c[0].split()))


NUMBER_WORDS = words(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty "
    "ninety hundred thousand million"
)
SMALL_WORDS = NUMBER_WORDS - {"hundred", "thousand", "million"}
SCALE_AFTER_A = words("million hundred thousand")
ADJECTIVES = words(
    "double single big large good sized spacious separate full en suite ensuite bright small "
    "complete proper"
)
ROOM_WORDS = words(
    "bed beds bedroom bedrooms bedroomed br bd bdr bdrm bdrms room rooms dormitorio dormitorios "
    "habitacion habitaciones"
)
BATH_WORDS = words("bath baths bathroom bathrooms ba toilet toilets wc washroom washrooms")
CURRENCY = words("€ euro euros eur")
# What speech recognisers write for a spoken count before "bedrooms"/"bathrooms": "for bedrooms".
MISHEARD_COUNTS = {
    "for": 4.0, "fore": 4.0, "to": 2.0, "too": 2.0, "tree": 3.0, "free": 3.0, "won": 1.0,
}  # fmt: skip
COUNT_NOUNS = words("bedrooms bathrooms beds baths bedroom bathroom")
ORDINAL_SUFFIX = words("st nd rd th")
NOT_COUNTS = words(
    "floor floors storey storeys year years minute minutes min mins km kilometres kilometers "
    "metro stops percent %"
)
AREA_M2_ONE = words("m2 sqm sqms sqmt metres meters metre meter mts msq")
AREA_FT2_ONE = words("sqft sf ft²")
AREA_M2_TWO = {
    "m 2", "m ²", "sq m", "sq metres", "sq meters", "square metres", "square meters",
    "square metre", "square meter", "metres squared", "meters squared", "square m", "m squared",
    "sq mt", "sq mts", "mt 2", "mts 2",
}  # fmt: skip
AREA_FT2_TWO = {"sq ft", "square feet", "square foot", "ft 2", "ft ²", "feet squared",
                 "sq feet", "sq foot"}  # fmt: skip
SKIP_BEFORE = words(
    "a an the of is s my our price euro euros € total be to it was its budget's "
    "um uh er erm like so well just maybe say i'd we'd"
)
RANGE_JOINERS = words("to and - – — till until")

# Cue phrases read backwards from a number, then forwards ("500k or less").
CUES_BEFORE = cues("""
max: under | below | less than | lower than | at most | up to | max | maximum | no more than
max: not more than | not over | nothing over | nothing above | not above | within | cheaper than
max: smaller than | budget | spend | afford | for | max budget | maximum budget | top budget
max: no higher than | not exceeding | budget is | budget of
min: at least | minimum | min | over | more than | above | from | starting at | starting from
min: upwards of | north of | no less than | not less than | bigger than | larger than
min: greater than | exceeding | in excess of | minimum budget
approx: around | about | roughly | approximately | something like | circa | ~ | in the region of
approx: give or take | round about | more or less | ballpark | ball park | in the ballpark of
approx: somewhere around | close to | near | roughly around | about roughly
""")
CUES_AFTER = cues("""
max: or less | or under | or below | or lower | max | maximum | tops | top | at most | or cheaper
min: or more | or above | or over | plus | + | minimum | min | at least | and up | and above
min: or bigger | or larger
approx: give or take | or so | ish | more or less | or thereabouts | ballpark
""")
# Fractions of a million and other idioms text2num does not know, as (words, value).
SPECIAL_PHRASES: list[tuple[tuple[str, ...], float]] = sorted(
    [
        (tuple(phrase.split()), value)
        for phrase, value in [
            ("half a million", 500_000), ("half million", 500_000), ("a half million", 500_000),
            ("a million and a half", 1_500_000), ("one million and a half", 1_500_000),
            ("a quarter of a million", 250_000), ("quarter of a million", 250_000),
            ("a quarter million", 250_000), ("quarter million", 250_000),
            ("three quarters of a million", 750_000), ("a couple of", 2), ("couple of", 2),
            ("a couple", 2),
        ]
    ],
    key=lambda p: -len(p[0]),
)  # fmt: skip
# Cues that speak about money only: "looking for 3 bedrooms" is not "at most 3 bedrooms".
MONEY_ONLY_CUES = frozenset({"for", "budget", "spend", "afford", "within", "budget is",
                             "budget of", "cheaper than"})  # fmt: skip
