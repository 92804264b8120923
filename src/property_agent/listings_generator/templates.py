"""The wording of the ads: vocabulary, sentence templates and the helpers that fill them.

Kept apart from the logic so rewording an ad is an edit to tables, not to code.
"""

from __future__ import annotations

import random
from collections.abc import Sequence

# Counts are phrased so the data test can parse them back: "<number word|digit|a> [adjective]
# bedroom(s)/bathroom(s)", stated before any other mention; the area always as "<sqft> m²".
# A sentence's first letter is capitalised when it is said, so templates may start with a slot.
# fmt: off
NUM = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")
ORD = ("ground", "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth",
       "ninth", "tenth", "eleventh")
NOUNS = {
    "flat": ("flat", "flat", "apartment", "home"),
    "studio": ("studio", "studio flat", "studio apartment"),
    "loft": ("loft", "loft-style apartment", "industrial-style loft"),
    "penthouse": ("penthouse", "penthouse apartment"),
    "duplex": ("duplex", "duplex apartment"),
    "ground": ("ground-floor flat", "ground-floor apartment"),
    "detached": ("detached house", "detached chalet", "detached villa"),
    "semi-detached": ("semi-detached house", "semi-detached chalet"),
    "terraced": ("townhouse", "terraced house", "terraced chalet"),
}
ADJECTIVES = {
    "new": ("brand-new", "new-build", "modern"),
    "luxury": ("exclusive", "magnificent", "stunning", "elegant", "luxury"),
    "renovated": ("renovated", "fully renovated", "refurbished", "charming", "modern"),
    "good": ("well-kept", "lovely", "nice", "comfortable", "well-located"),
    "to_renovate": ("spacious", "well-located", "original-condition"),
}
ITEMS = {
    "new": ("porcelain floors", "home automation", "high-efficiency windows", "built-in wardrobes",
            "a heat-recovery ventilation system", "top-quality finishes", "a fitted kitchen"),
    "luxury": ("oak parquet floors", "top-brand appliances", "home automation", "marble finishes",
               "built-in wardrobes", "a dressing room", "soundproof windows", "designer lighting"),
    "renovated": ("new plumbing and wiring", "a new kitchen", "new windows with double glazing",
                  "parquet floors", "fitted wardrobes", "new interior doors", "LED lighting"),
}
T: dict[str, tuple[str, ...]] = {
    "opener": (
        "Exclusive to our agency: {an} {in_}.", "Opportunity! {An} for sale {in_}.",
        "For sale: {adj_noun} {in_}.", "We present {an} {in_}, {hook}.",
        "New on the market: {an} {in_}.", "{an} {in_}, {hook}.", "Live {in_} in this {adj_noun}.",
        "Don't miss this {adj_noun} {in_}.", "Welcome to this {adj_noun} {in_}.",
        "Now available {in_}: {an}, a short walk from {lm}.",
        "Looking for {want}? Discover this {adj_noun} {in_}.",
        "Dreaming of {want} {in_}? This {adj_noun} could be the one.",
        "Just listed: {an} {in_}, close to {lm}.", "Fantastic {adj_noun} {in_}.",
        "Rarely available: {an} {in_}.", "Want to live {in_}? We have {an} for you."),
    "opener investors": ("Attention investors: {an} {in_}.", "Investment opportunity {in_}: {an}."),
    "opener+layout": (
        "For sale {in_}: {an_rh} with {baths} and {area}.",
        "{an_rh} of {area} {in_}, with {baths}.",
        "Exclusive to our agency: {an} {in_} with {beds}, {baths} and {area}.",
        "Opportunity! {An_rh} {in_}, with {area} and {baths}.",
        "{an} {in_} offering {area}, {beds} and {baths}.",
        "On sale {in_}: {an} of {area} with {beds} and {baths}."),
    "opener+layout studio": (
        "For sale {in_}: {an} of {area} with {kitchen} and {baths}.",
        "{an} of {area} {in_}, with {kitchen} and {baths}.",
        "Opportunity! {An} {in_}: {area}, {kitchen} and {baths}."),
    "layout": (
        "It has {area} distributed into {living}, {kitchen}, {beds} and {baths}.",
        "The {noun} measures {area} and comprises {beds}, {baths}, {living} and {kitchen}.",
        "{area} with {beds} and {baths}.",
        "Inside you will find {beds} and {baths}, plus {living} and {kitchen}, in {area}.",
        "Layout: {living}, {kitchen}, {beds} and {baths}, in a total of {area}.",
        "With {area}, it offers {beds}, {baths} and {living}.",
        "It offers {beds} and {baths} in {area}, with {living} and {kitchen}.",
        "Distributed over {area}: entrance hall, {living}, {kitchen}, {beds} and {baths}.",
        "{beds} and {baths} in {area}, with {living} and {kitchen}."),
    "layout house": (
        "The house has {area} over {levels}, with {beds}, {baths}, {living} and {kitchen}.",
        "Built over {levels}, it offers {area} with {beds} and {baths}.",
        "{area} on {levels}: {living}, {kitchen}, {beds} and {baths}."),
    "layout studio": (
        "The studio has {area}, with an open-plan living and sleeping area, {kitchen} and {baths}.",
        "{area} laid out as a single open space with a sleeping area, {kitchen} and {baths}.",
        "It measures {area}: one open-plan room, {kitchen} and {baths}.",
        "Open-plan layout of {area} with {kitchen} and {baths}."),
    "building": ("It is {where} of {bld}, {lift}.", "{where} of {bld} {lift}.",
                 "The {noun} sits {where} of {bld}, {lift}."),
    "walk-up": ("{floor} floor without a lift in {bld}.",),
    "loft": ("A former workshop converted into a loft, {where} of {bld} {lift}.",),
    "ground": ("It is on the ground floor of {bld}, so there are no stairs to climb.",
               "Ground floor of {bld}, with direct access from the street."),
    "house": ("Built in {year} in a quiet residential area.",
              "The house dates from {year} and sits on a peaceful street."),
    "house new": ("A new-build {noun} completed in {year}, in a quiet residential area.",),
    "light": ("Exterior and {facing}-facing, it enjoys natural light all day.",
              "Very bright thanks to its {facing} orientation and large windows.",
              "Plenty of natural light, with windows facing {facing}.",
              "Exterior and dual-aspect, with cross ventilation and light all day."),
    "light north": ("Exterior and north-facing, so it stays cool in summer.",
                    "Exterior, with soft north light that keeps it cool in summer."),
    "light balconies": ("Exterior and {facing}-facing, with {balconies} overlooking the street.",),
    "light interior": (
        "It is an interior property overlooking a large, well-kept courtyard, so it is very quiet.",
        "Interior, facing a quiet inner courtyard: you will hardly hear the street.",
        "Its windows open onto a spacious inner courtyard, which keeps it peaceful."),
    "light dark": ("It is interior and somewhat dark, but very quiet.",),
    "light house": ("The plot is {facing}-facing, so the house gets sun all day.",
                    "{facing}-facing and very bright throughout."),
    "plot": ("It sits on a {plot} plot with {items}.", "The {plot} plot has {items}.",
             "Outside: {items}, on a plot of {plot}."),
    "terrace penthouse": (
        "The highlight is its {t} terrace with open views of {view}.",
        "A {t} terrace wraps around the penthouse, perfect for summer evenings.",
        "Its private {t} terrace, with views of {view}, is the real luxury here."),
    "terrace": ("It also has a {t} terrace.", "It has a private {t} terrace.",
                "A {t} terrace off the living room is perfect for breakfast outdoors."),
    "garden": ("It has a private {word} of {g}.", "A private {g} {word}, a rarity in the city.",
               "The private {word} ({g}) is perfect for plants and summer dinners."),
    "new": ("Brand-new home with {items}.", "Ready to move into, with {items}.",
            "New build with {items}, plus a ten-year structural warranty."),
    "luxury": ("Finished to the highest standard, with {items}.",
               "Completely refurbished by an interior designer: {items}.",
               "Luxury finishes throughout, including {items}."),
    "renovated": ("Fully renovated {when}, with {items}.", "Renovated {when}: {items}.",
                  "The {noun} was refurbished {when} and has {items}."),
    "good": ("In good condition and ready to move into.",
             "Good condition throughout; just move in.",
             "Well maintained and ready to live in, although you may want to update the kitchen.",
             "The property is in good condition, with parquet floors and fitted wardrobes."),
    "to_renovate": (
        "To renovate: ideal for investors or for anyone who wants to design a home to their taste.",
        "It needs a full renovation, which makes it a great opportunity for investors.",
        "Original condition and in need of updating: a blank canvas for your dream home.",
        "Needs renovation, but the layout and the location make it a great project.",
        "Ideal for investors: once renovated it will be a very attractive rental."),
    "period": ("High ceilings, original mouldings and hydraulic tile floors give it character.",
               "It keeps its period features: high ceilings, wooden shutters and mouldings."),
    "brick": ("Exposed brick walls and wooden beams give it a unique character.",),
    "double height": ("Double-height ceilings and large windows create a great sense of space.",),
    "wardrobes": ("All the bedrooms have fitted wardrobes.",),
    "master": ("The master bedroom has a dressing area and its own bathroom.",),
    "duplex": ("Living area downstairs and the bedrooms upstairs, for maximum privacy.",),
    "studio": ("A smart layout makes the most of every metre.",
               "Ideal as a pied-à-terre or as a rental investment."),
    "comfort": ("Equipped with {items}.", "It has {items}.", "Comforts include {items}."),
    "energy": ("Energy rating: {e}.", "Energy certificate {e}.", "Energy certificate in process."),
    "parking included": ("{items} {verb} included.", "It comes with {items}.", "Includes {items}."),
    "parking optional": ("A garage space in the same building is available at extra cost.",
                         "Optional parking space available in the building."),
    "storage": ("It comes with a storage room.", "Storage room included."),
    "garage": ("Private garage for {cars}.", "The house has a private garage for {cars}."),
    "development": ("The development has {items}.", "Communal areas include {items}."),
    "services": ("The building has {items}.",
                 "The building has {items} and well-kept communal areas."),
    "metro": ("{station} metro station is {a_mins}-minute walk away.",
              "Just {mins_word} minutes on foot from {station} metro.",
              "Excellent transport links: {stations} nearby, plus several bus lines.",
              "Very well connected, with {station} metro on the doorstep.",
              "Metro: {station} ({mins} min walk)."),
    "cercanias": (
        "El Plantío Cercanías station is {a_mins}-minute walk away, with bus lines to Moncloa.",
        "Well connected by the A-6 motorway and the Cercanías train from El Plantío station.",
        "The El Plantío Cercanías train station and several bus lines are close by."),
    "landmark": ("{lm} is just around the corner.", "A few minutes' walk from {lm}.",
                 "Close to {lm}, with shops, schools and all services nearby.",
                 "Steps away from {lm}.",
                 "Within walking distance of {lm} and plenty of shops and restaurants."),
    "lively": ("In the liveliest part of the neighbourhood, surrounded by bars and restaurants.",
               "Perfect if you enjoy city life: bars, cafés and theatres are right outside."),
    "quiet": ("On a quiet, tree-lined street.", "A very quiet street, yet close to everything.",
              "Located on a peaceful residential street."),
    "busy": ("It faces a busy avenue, but double glazing keeps it quiet inside.",
             "On a main avenue full of shops; double glazing keeps the noise out."),
    "busy interior": ("The avenue outside is busy, but being interior the flat is very quiet.",),
    "family": ("Ideal for families.", "Perfect for a family, with schools and parks nearby."),
    "couple": ("Ideal for a couple or a small family.", "Perfect as a first home."),
    "single": ("Perfect for a couple or a single professional.", "A great rental investment."),
    "closing": ("Call us for more information or to arrange a viewing.", "Don't miss it!",
                "Viewings by appointment.", "Contact us without obligation.",
                "Book your visit today.", "A must-see!",
                "Ask us for more information, with no commitment.",
                "Come and see it, you will love it."),
}
# fmt: on


def article(phrase: str) -> str:
    """Prefix the right article: 'an exterior flat', 'a one-bedroom flat', 'an 8-bedroom house'."""
    vowel = phrase[0] in "aeiouAEIOU8" and not phrase.startswith(("one", "uni", "use"))
    return f"{'an' if vowel else 'a'} {phrase}"


def capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]


def join(items: Sequence[str]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def say(rng: random.Random, key: str, **slots: object) -> str:
    """One sentence from the `key` templates, filled and capitalised."""
    return capitalise(rng.choice(T[key]).format(**slots))
