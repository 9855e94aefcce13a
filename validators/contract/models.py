# GENERATED FILE - DO NOT EDIT BY HAND.
# Generated from schema/*.schema.json by `python -m claimtrail.contract.codegen`; to change the models,
# change the schemas (or codegen.py / model_base.py) and re-run it. `--check` tells whether
# this file is current.
"""Frozen pydantic models of the claimtrail records, generated from the JSON Schemas."""

from typing import Annotated, Literal

from pydantic import Field, StrictBool, StrictInt, StrictStr, StringConstraints

from claimtrail.contract.model_base import ActorMixin, ClaimMixin, IsoDate, Record, WholeFloatAsInt

__all__ = [
    "RECORD_MODELS",
    "SourceId",
    "SourcePath",
    "SourceSha256",
    "Text",
    "SourcePublisherBasis",
    "PointerId",
    "Pointer",
    "SourcePublisher",
    "DateReportPrecision",
    "DateReportBasis",
    "DateReport",
    "SourceLanguage",
    "SourceBoilerplateKind",
    "SourceBoilerplate",
    "Source",
    "ActorId",
    "ActorKind",
    "ActorNameForm",
    "ActorName",
    "ActorRole",
    "ActorIdentifierScheme",
    "ActorIdentifierValue",
    "ActorIdentifier",
    "Actor",
    "EventId",
    "EventType",
    "EventCodesAcledEventType",
    "EventCodesAcledSubEventType",
    "EventCodesCameo",
    "EventCodesPlover",
    "EventCodes",
    "EventLocationCountry",
    "EventLocationPrecision",
    "EventLocation",
    "EventCasualtyKind",
    "EventCasualtyStatus",
    "EventCasualty",
    "EventParticipantRole",
    "EventParticipant",
    "EventRelationRelation",
    "EventRelation",
    "Event",
    "ClaimId",
    "ClaimStance",
    "ClaimAttributionKind",
    "ClaimAttribution",
    "Claim",
    "DiscrepancyId",
    "DiscrepancyAspect",
    "DiscrepancyVersion",
    "Discrepancy",
    "UncodedId",
    "Uncoded",
    "TombstoneId",
    "TombstoneStatus",
    "TombstoneMergedInto",
    "TombstoneVersion",
    "Tombstone",
]


SourceId = Annotated[StrictStr, StringConstraints(pattern=r"^src-[a-z0-9]+(-[a-z0-9]+)*(?![\s\S])")]
"""Identifier of a source record."""

SourcePath = Annotated[StrictStr, StringConstraints(pattern=r"^sources/[A-Za-z0-9._-]+(?![\s\S])")]

SourceSha256 = Annotated[StrictStr, StringConstraints(pattern=r"^[0-9a-f]{64}(?![\s\S])")]

Text = Annotated[StrictStr, StringConstraints(min_length=1, pattern=r"\S")]
"""Free text written by the curators. Never empty: an absent value is null."""

SourcePublisherBasis = Literal["stated", "inferred", "unknown"]

PointerId = Annotated[
    StrictStr, StringConstraints(pattern=r"^ptr-[a-z0-9]+(-[a-z0-9]+)*(?![\s\S])"),
]
"""Identifier of a provenance pointer."""


class Pointer(Record):
    """A provenance pointer: an exact span of a source text. Offsets count Unicode code points
    from 0, end exclusive, so text[start:end] in Python is the quote.
    """

    id: PointerId = Field(description="Identifier of the pointer, unique in the package.")

    source: SourceId = Field(description="The source text the span lies in.")

    start: Annotated[StrictInt, Field(ge=0), WholeFloatAsInt] = Field(
        description="Offset of the first code point of the span (0-based).",
    )

    end: Annotated[StrictInt, Field(ge=1), WholeFloatAsInt] = Field(
        description=(
            "Offset just past the last code point of the span (exclusive), so end - "
            "start is the quote's length in code points."
        ),
    )

    quote: Annotated[StrictStr, StringConstraints(min_length=1)] = Field(
        description=(
            "The exact text of the span, character for character, as it stands in the "
            "source."
        ),
    )

    prefix: Annotated[StrictStr, StringConstraints(min_length=1)] | None = Field(
        description=(
            "Optional text immediately before the span, to re-anchor the pointer if the "
            "source is re-captured. Null when not given."
        ),
    )

    suffix: Annotated[StrictStr, StringConstraints(min_length=1)] | None = Field(
        description=(
            "Optional text immediately after the span, to re-anchor the pointer if the "
            "source is re-captured. Null when not given."
        ),
    )


class SourcePublisher(Record):
    """Who published the text, as stated in it, inferred from it with the evidence named, or
    unknown. Never guessed.
    """

    name: Text | None = Field(description="Name of the publisher; null when unknown.")

    basis: SourcePublisherBasis = Field(
        description=(
            "Whether the text states its publisher, lets it be inferred, or does not "
            "tell."
        ),
    )

    evidence: Text | None = Field(
        description=(
            "For stated or inferred publishers: what in the text names it, in the "
            "curators' words."
        ),
    )

    pointer: Pointer | None = Field(
        description="The words the publisher is read from; null when unknown.",
    )


DateReportPrecision = Literal["day", "month", "year", "range", "unknown"]

DateReportBasis = Literal[
    "explicit",
    "relative_to_article",
    "relative_to_event",
    "inferred",
    "unknown",
]


class DateReport(Record):
    """A date as a source gives it: the earliest and latest day it can be, how precise the source
    is, and how the curators resolved it.
    """

    earliest: IsoDate | None = Field(
        description=(
            "First day the date can be (ISO 8601). Null when the source sets no lower "
            "bound."
        ),
    )

    latest: IsoDate | None = Field(
        description=(
            "Last day the date can be (ISO 8601). Null when the source sets no upper "
            "bound. Equal to earliest for a day-precise date."
        ),
    )

    precision: DateReportPrecision = Field(
        description=(
            "How precise the source is: a day, a month, a year, a range of days, or not "
            "at all."
        ),
    )

    basis: DateReportBasis = Field(
        description=(
            "How the date was resolved: stated in the text (explicit); a relative "
            "expression such as 'Sunday' or 'last week' resolved against the article's "
            "own date (relative_to_article) or against another event's date "
            "(relative_to_event); inferred from context, with the evidence in note "
            "(inferred); or not resolvable (unknown)."
        ),
    )

    note: Text | None = Field(
        description=(
            "How the date was resolved, in the curators' words: the anchor date and the "
            "reasoning."
        ),
    )

    pointer: Pointer | None = Field(
        description=(
            "The words the date rests on ('Sunday', 'June 27, 2021', 'last week'). Null "
            "only when basis is unknown."
        ),
    )


SourceLanguage = Annotated[
    StrictStr, StringConstraints(pattern=r"^[a-z]{2,3}(-[A-Z]{2})?(?![\s\S])"),
]

SourceBoilerplateKind = Literal[
    "navigation",
    "section_label",
    "metadata",
    "share_buttons",
    "related_link",
    "photo_caption",
    "photo_credit",
    "promotion",
    "page_control",
    "subheading",
    "citation_link",
]


class SourceBoilerplate(Record):
    """An item of Source.boilerplate: Spans of the text that are not article content (navigation,
    share buttons, related links, photo captions and credits, metadata lines). Content
    pointers may not land in them.
    """

    start: Annotated[StrictInt, Field(ge=0), WholeFloatAsInt] = Field(
        description="Offset of the first code point of the span.",
    )

    end: Annotated[StrictInt, Field(ge=1), WholeFloatAsInt] = Field(
        description="Offset just past the span (exclusive).",
    )

    kind: SourceBoilerplateKind = Field(
        description=(
            "What the span is: site navigation, a section label, a metadata line, share "
            "buttons, a related-story or 'See also' link, a photo caption or credit, a "
            "promotion, a page control such as 'Font Size:', a subheading, or a 'story "
            "cited here' link."
        ),
    )

    note: Text | None = Field(description="Why the span is boilerplate, when not obvious.")


class Source(Record):
    """A source text, vendored byte-for-byte under the package's sources/ folder, with what is
    known of who published it and when.
    """

    id: SourceId = Field(description="Identifier of the source, unique in the package.")

    path: SourcePath = Field(
        description=(
            "Path of the text file relative to the package directory; always inside "
            "sources/."
        ),
    )

    sha256: SourceSha256 = Field(
        description=(
            "SHA-256 of the file's bytes, lower-case hex. Every pointer into the source "
            "is checked against this text."
        ),
    )

    bytes: Annotated[StrictInt, Field(ge=1), WholeFloatAsInt] = Field(
        description="Size of the file in bytes.",
    )

    length: Annotated[StrictInt, Field(ge=1), WholeFloatAsInt] = Field(
        description=(
            "Length of the decoded UTF-8 text in Unicode code points: the upper bound of "
            "every pointer's end."
        ),
    )

    publisher: SourcePublisher = Field(
        description=(
            "Who published the text, as stated in it, inferred from it with the evidence "
            "named, or unknown. Never guessed."
        ),
    )

    published: DateReport = Field(
        description="Publication date of the text and how it was established.",
    )

    headline: Text | None = Field(
        description="The headline exactly as in the text; null when the text has none.",
    )

    language: SourceLanguage = Field(description="Language of the text, as a BCP 47 tag.")

    boilerplate: tuple[SourceBoilerplate, ...] = Field(
        description=(
            "Spans of the text that are not article content (navigation, share buttons, "
            "related links, photo captions and credits, metadata lines). Content "
            "pointers may not land in them."
        ),
    )


ActorId = Annotated[StrictStr, StringConstraints(pattern=r"^act-[a-z0-9]+(-[a-z0-9]+)*(?![\s\S])")]
"""Identifier of an actor record."""

ActorKind = Literal[
    "person",
    "organization",
    "government_body",
    "state",
    "armed_group",
    "media_outlet",
    "unidentified",
]

ActorNameForm = Literal[
    "full",
    "short",
    "surname",
    "with_title",
    "abbreviation",
    "demonym",
    "descriptive",
]


class ActorName(Record):
    """An item of Actor.names: Every surface form of the actor's name in the sources, exactly as
    written, each with its pointer. Misspellings are kept and marked, never corrected in
    place.
    """

    name: Annotated[StrictStr, StringConstraints(min_length=1)] = Field(
        description=(
            "The name exactly as written in the source (straight or curly apostrophes, "
            "abbreviations and misspellings as they are)."
        ),
    )

    form: ActorNameForm = Field(
        description=(
            "Kind of surface form: full name, short form, surname only, name with a "
            "title ('Mr. Kirby'), abbreviation ('KH'), demonym or adjective ('Iranian'), "
            "or a description standing for an unnamed actor."
        ),
    )

    misspelled: StrictBool = Field(
        description=(
            "True when the form is a misspelling of the actor's name as other sources or "
            "the same source give it."
        ),
    )

    note: Text | None = Field(
        description="What differs in this form, e.g. which spelling the other sources use.",
    )

    pointer: Pointer = Field(description="Where this form is written.")


class ActorRole(Record):
    """An item of Actor.roles: Titles, roles and affiliations as the sources report them, with
    the date they are reported for.
    """

    title: Text = Field(description="The title or role exactly as reported.")

    organization: ActorId | None = Field(
        description="The organisation the role is held at, when it is an actor in the package.",
    )

    as_of: DateReport | None = Field(
        description=(
            "The date the role is reported for, usually the article's date; null when "
            "the source gives no anchor."
        ),
    )

    pointer: Pointer = Field(description="Where the role is stated.")


ActorIdentifierScheme = Literal["wikidata", "viaf", "isni", "acled_actor", "ucdp_actor"]

ActorIdentifierValue = Annotated[StrictStr, StringConstraints(pattern=r"^\S+(?![\s\S])")]


class ActorIdentifier(Record):
    """An item of Actor.identifiers: Identifiers of the actor in external registries. Only
    identifiers the curators have verified; never invented.
    """

    scheme: ActorIdentifierScheme = Field(description="The registry the identifier belongs to.")

    value: ActorIdentifierValue = Field(description="The identifier as the registry writes it.")


class Actor(ActorMixin, Record):
    """A person, organisation, government body, state, armed group or media outlet named in the
    sources, with every name as the sources write it. Its pointers are those of its names and
    roles.
    """

    id: ActorId = Field(description="Identifier of the actor, unique in the package.")

    name: Text = Field(
        description=(
            "Canonical name chosen by the curators, for display. The names as reported "
            "are in names."
        ),
    )

    kind: ActorKind = Field(
        description=(
            "What the actor is. unidentified is for a speaker or agent the sources do "
            "not name ('a source familiar with the situation')."
        ),
    )

    description: Text | None = Field(
        description="A short description in the curators' own words, from what the sources say.",
    )

    names: Annotated[tuple[ActorName, ...], Field(min_length=1)] = Field(
        description=(
            "Every surface form of the actor's name in the sources, exactly as written, "
            "each with its pointer. Misspellings are kept and marked, never corrected in "
            "place."
        ),
    )

    roles: tuple[ActorRole, ...] = Field(
        description=(
            "Titles, roles and affiliations as the sources report them, with the date "
            "they are reported for."
        ),
    )

    identifiers: tuple[ActorIdentifier, ...] = Field(
        description=(
            "Identifiers of the actor in external registries. Only identifiers the "
            "curators have verified; never invented."
        ),
    )


EventId = Annotated[StrictStr, StringConstraints(pattern=r"^evt-[a-z0-9]+(-[a-z0-9]+)*(?![\s\S])")]
"""Identifier of an event record."""

EventType = Literal[
    "military_operation",
    "airstrike",
    "rocket_attack",
    "drone_attack",
    "armed_attack",
    "killing",
    "protest",
    "threat",
    "election",
    "agreement",
    "agreement_expiry",
    "deadline",
    "withdrawal",
    "negotiation",
    "meeting",
    "announcement",
    "statement",
    "decision",
    "aid_pledge",
    "approval_request",
    "policy_action",
]

EventCodesAcledEventType = Literal[
    "Battles",
    "Explosions/Remote violence",
    "Violence against civilians",
    "Protests",
    "Riots",
    "Strategic developments",
]

EventCodesAcledSubEventType = Literal[
    "Armed clash",
    "Government regains territory",
    "Non-state actor overtakes territory",
    "Chemical weapon",
    "Air/drone strike",
    "Suicide bomb",
    "Shelling/artillery/missile attack",
    "Remote explosive/landmine/IED",
    "Grenade",
    "Sexual violence",
    "Attack",
    "Abduction/forced disappearance",
    "Peaceful protest",
    "Protest with intervention",
    "Excessive force against protesters",
    "Violent demonstration",
    "Mob violence",
    "Agreement",
    "Arrests",
    "Change to group/activity",
    "Disrupted weapons use",
    "Headquarters or base established",
    "Looting/property destruction",
    "Non-violent transfer of territory",
    "Other",
]

EventCodesCameo = Annotated[StrictStr, StringConstraints(pattern=r"^[0-9]{2,4}(?![\s\S])")]

EventCodesPlover = Literal[
    "AGREE",
    "CONSULT",
    "SUPPORT",
    "CONCEDE",
    "COOPERATE",
    "AID",
    "RETREAT",
    "REQUEST",
    "ACCUSE",
    "REJECT",
    "THREATEN",
    "PROTEST",
    "SANCTION",
    "MOBILIZE",
    "COERCE",
    "ASSAULT",
]


class EventCodes(Record):
    """Codes from established event vocabularies, side by side with type, where they fit. Null
    where none fits.
    """

    acled_event_type: EventCodesAcledEventType | None = Field(description="ACLED event type.")

    acled_sub_event_type: EventCodesAcledSubEventType | None = Field(
        description="ACLED sub-event type.",
    )

    cameo: EventCodesCameo | None = Field(description="CAMEO event code.")

    plover: EventCodesPlover | None = Field(description="PLOVER event type.")


EventLocationCountry = Annotated[StrictStr, StringConstraints(pattern=r"^[A-Z]{2}(?![\s\S])")]

EventLocationPrecision = Literal["site", "locality", "region", "border_area", "country"]


class EventLocation(Record):
    """An item of Event.locations: Places as reported."""

    country: EventLocationCountry | None = Field(
        description=(
            "ISO 3166-1 alpha-2 code of the country the place lies in; null for a place "
            "spanning countries."
        ),
    )

    place: Text | None = Field(
        description="The place exactly as reported, when narrower than the country.",
    )

    precision: EventLocationPrecision = Field(
        description="How precisely the source locates the event.",
    )

    pointer: Pointer = Field(description="Where the place is stated.")


EventCasualtyKind = Literal["killed", "injured", "any"]

EventCasualtyStatus = Literal["reported", "unknown", "none_reported"]


class EventCasualty(Record):
    """An item of Event.casualties: Casualty reports, each as one source gives it; conflicting
    reports stand side by side.
    """

    kind: EventCasualtyKind = Field(
        description="What is counted; any is casualties of unspecified kind.",
    )

    low: Annotated[StrictInt, Field(ge=0), WholeFloatAsInt] | None = Field(
        description="Lowest figure the report allows; null when it gives none.",
    )

    best: Annotated[StrictInt, Field(ge=0), WholeFloatAsInt] | None = Field(
        description="The figure the report gives; null when it gives none.",
    )

    high: Annotated[StrictInt, Field(ge=0), WholeFloatAsInt] | None = Field(
        description="Highest figure the report allows; null when it gives none.",
    )

    status: EventCasualtyStatus = Field(
        description=(
            "reported: the source gives a figure or description; unknown: the source "
            "says it is not clear; none_reported: the source says there were none."
        ),
    )

    as_reported: Text | None = Field(
        description=(
            "The casualty statement as worded in the source, e.g. 'up to a handful of "
            "people'."
        ),
    )

    pointer: Pointer = Field(description="Where the report is stated.")

    note: Text | None = Field(
        description=(
            "How a figure is read from words that give no number (for example one named "
            "person killed): a curator's judgement, said as one (validation requires it "
            "then)."
        ),
    )


EventParticipantRole = Literal[
    "ordered",
    "authorized",
    "carried_out",
    "targeted",
    "used_target",
    "blamed",
    "killed",
    "injured",
    "announced",
    "confirmed",
    "elected",
    "party",
    "host",
    "guest",
    "affected",
    "opposed",
    "requested",
    "beneficiary",
]


class EventParticipant(Record):
    """An item of Event.participants: Actors and their roles in the event, as reported."""

    actor: ActorId = Field(description="The actor taking part.")

    role: EventParticipantRole = Field(
        description=(
            "The actor's part: ordered, authorized, carried out, was targeted, used the "
            "target, was blamed, was killed or injured, announced or confirmed it, was "
            "elected, was a party (to an agreement or talks), hosted or visited, was "
            "affected, opposed, requested it, or benefited."
        ),
    )

    pointer: Pointer = Field(description="Where the role is stated.")

    note: Text | None = Field(
        description=(
            "Why the role is read from the pointer's words when they do not name the "
            "actor or state the role outright: a curator's judgement, said as one "
            "(validation requires it then)."
        ),
    )


EventRelationRelation = Literal[
    "response_to",
    "follows",
    "precedes",
    "coincides_with",
    "related_to",
]


class EventRelation(Record):
    """An item of Event.relations: How this event relates to other events, as the sources present
    it.
    """

    relation: EventRelationRelation = Field(
        description=(
            "This event is a response to, follows, precedes, coincides with, or is "
            "otherwise linked to the other event."
        ),
    )

    other_event: EventId = Field(description="The other event.")

    pointer: Pointer | None = Field(description="Where the relation is stated.")


class Event(Record):
    """Something the sources report as having happened (or as due to happen): when, where, who
    took part and with what casualties, as reported.
    """

    id: EventId = Field(description="Identifier of the event, unique in the package.")

    type: EventType = Field(
        description=(
            "Type of event in the claimtrail vocabulary. military_operation is a parent "
            "of several strikes or attacks; statement is a public communication that is "
            "itself an event (a press release, a tweet)."
        ),
    )

    codes: EventCodes = Field(
        description=(
            "Codes from established event vocabularies, side by side with type, where "
            "they fit. Null where none fits."
        ),
    )

    summary: Text = Field(
        description=(
            "What happened, in the curators' own words, stating only what the sources "
            "say."
        ),
    )

    date: DateReport = Field(
        description="When the event happened, as the sources let it be resolved.",
    )

    parent: EventId | None = Field(description="The operation this event is one site or attack of.")

    locations: tuple[EventLocation, ...] = Field(description="Places as reported.")

    casualties: tuple[EventCasualty, ...] = Field(
        description=(
            "Casualty reports, each as one source gives it; conflicting reports stand "
            "side by side."
        ),
    )

    participants: tuple[EventParticipant, ...] = Field(
        description="Actors and their roles in the event, as reported.",
    )

    relations: tuple[EventRelation, ...] = Field(
        description="How this event relates to other events, as the sources present it.",
    )

    pointers: Annotated[tuple[Pointer, ...], Field(min_length=1)] = Field(
        description="Spans that report the event.",
    )

    note: Text | None = Field(
        description=(
            "A curator's note on the record as a whole: a judgement it rests on, or what "
            "tells it apart from a record it resembles (validation requires one on "
            "records that are identical but for their id)."
        ),
    )


ClaimId = Annotated[StrictStr, StringConstraints(pattern=r"^clm-[a-z0-9]+(-[a-z0-9]+)*(?![\s\S])")]
"""Identifier of a claim record."""

ClaimStance = Literal["asserts", "denies", "hedges", "questions", "unknown"]

ClaimAttributionKind = Literal[
    "direct_quote",
    "partial_quote",
    "indirect_speech",
    "block_quote",
    "narrator_assertion",
]


class ClaimAttribution(Record):
    """An item of Claim.attributions: Each appearance of the claim in a source: the words, how
    they are reported, by which outlet and through whom.
    """

    kind: ClaimAttributionKind = Field(
        description=(
            "How the source gives the claim: a full direct quote in quotation marks, a "
            "partial quote, indirect speech ('said that', 'according to'), a statement "
            "block-quoted without quotation marks, or the narrator asserting it with an "
            "attribution elsewhere."
        ),
    )

    reported_by: ActorId | None = Field(
        description=(
            "The outlet that reports the claim in this source; null when the source's "
            "publisher is unknown."
        ),
    )

    via: ActorId | None = Field(
        description=(
            "An intermediary the outlet credits (another outlet, a press release, a "
            "statement), when there is one."
        ),
    )

    chain: Text | None = Field(
        description=(
            "The attribution chain in the curators' words, e.g. 'Kirby statement, as "
            "emailed to American Military News'."
        ),
    )

    pointer: Pointer = Field(description="The words of the claim in this source.")

    attribution_pointer: Pointer | None = Field(
        description=(
            "The words naming the speaker or the attribution ('Kirby said', 'according "
            "to the Pentagon'), when apart from the claim's words."
        ),
    )


class Claim(ClaimMixin, Record):
    """An attributed assertion: who asserted what, reported by which outlet and through whom. The
    same statement reported by several outlets is one claim with one attribution per
    appearance. Its pointers are those of its attributions.
    """

    id: ClaimId = Field(description="Identifier of the claim, unique in the package.")

    claimant: ActorId | None = Field(
        description=(
            "The actor who made the assertion; null when the source does not identify "
            "one."
        ),
    )

    claimant_as_reported: Text | None = Field(
        description=(
            "How the sources describe an unnamed or unresolved claimant, e.g. 'a source "
            "familiar with the situation'."
        ),
    )

    content: Text = Field(
        description=(
            "What is asserted, in the curators' own words. The verbatim words are in the "
            "attributions' pointers."
        ),
    )

    stance: ClaimStance = Field(
        description=(
            "How the claimant holds the content: asserts it, denies it, hedges it, "
            "questions it (a question or criticism voiced as doubt), or unknown."
        ),
    )

    said: DateReport | None = Field(
        description="When the claim was made, as far as the sources tell; null when they do not.",
    )

    variant_of: ClaimId | None = Field(
        description=(
            "Another claim this one is a variant of: the same statement with different "
            "wording, or the same words attributed to a different speaker. The "
            "discrepancy records say what differs."
        ),
    )

    about_events: tuple[EventId, ...] = Field(description="Events the claim is about.")

    about_actors: tuple[ActorId, ...] = Field(description="Actors the claim is about.")

    attributions: Annotated[tuple[ClaimAttribution, ...], Field(min_length=1)] = Field(
        description=(
            "Each appearance of the claim in a source: the words, how they are reported, "
            "by which outlet and through whom."
        ),
    )


DiscrepancyId = Annotated[
    StrictStr, StringConstraints(pattern=r"^dis-[a-z0-9]+(-[a-z0-9]+)*(?![\s\S])"),
]
"""Identifier of a discrepancy record."""

DiscrepancyAspect = Literal[
    "spelling",
    "title",
    "number",
    "date",
    "speaker",
    "wording",
    "place",
    "characterization",
]


class DiscrepancyVersion(Record):
    """An item of Discrepancy.versions: The differing versions, each as a source gives it."""

    value: Annotated[StrictStr, StringConstraints(min_length=1)] = Field(
        description="The version exactly as the source gives it.",
    )

    pointer: Pointer = Field(description="Where the version is given.")


class Discrepancy(Record):
    """A point on which the sources differ (a spelling, a title, a number, a date, who said a
    line). Every version is kept with its pointer; none is corrected.
    """

    id: DiscrepancyId = Field(description="Identifier of the discrepancy, unique in the package.")

    aspect: DiscrepancyAspect = Field(description="What the versions differ in.")

    summary: Text = Field(description="What differs, in the curators' own words.")

    about_events: tuple[EventId, ...] = Field(description="Events the discrepancy concerns.")

    about_actors: tuple[ActorId, ...] = Field(description="Actors the discrepancy concerns.")

    about_claims: tuple[ClaimId, ...] = Field(description="Claims the discrepancy concerns.")

    versions: Annotated[tuple[DiscrepancyVersion, ...], Field(min_length=2)] = Field(
        description="The differing versions, each as a source gives it.",
    )


UncodedId = Annotated[
    StrictStr, StringConstraints(pattern=r"^unc-[a-z0-9]+(-[a-z0-9]+)*(?![\s\S])"),
]


class Uncoded(Record):
    """A span of article content the curators deliberately left without a record, with the
    reason. Coverage counts these as accounted for.
    """

    id: UncodedId = Field(description="Identifier of the entry, unique in the package.")

    reason: Text = Field(description="Why the span is not coded.")

    pointer: Pointer = Field(description="The span left uncoded.")


TombstoneId = Annotated[
    StrictStr, StringConstraints(pattern=r"^(src|ptr|act|evt|clm|dis|unc)-[a-z0-9]+(-[a-z0-9]+)*(?![\s\S])"),
]

TombstoneStatus = Literal["merged", "withdrawn"]

TombstoneMergedInto = Annotated[
    StrictStr, StringConstraints(pattern=r"^(src|ptr|act|evt|clm|dis|unc)-[a-z0-9]+(-[a-z0-9]+)*(?![\s\S])"),
]

TombstoneVersion = Annotated[
    StrictStr, StringConstraints(pattern=r"^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)(?![\s\S])"),
]


class Tombstone(Record):
    """A retired record id: a record that was withdrawn or merged into another keeps its id here,
    so that an id once published is never reused and a pinned reference can be followed to
    where the record went.
    """

    id: TombstoneId = Field(
        description=(
            "The retired id, with the prefix of the record type it belonged to. No live "
            "record may carry it."
        ),
    )

    status: TombstoneStatus = Field(
        description=(
            "Why the id is retired: the record was merged into another one (merged), or "
            "removed without a successor (withdrawn)."
        ),
    )

    merged_into: TombstoneMergedInto | None = Field(
        description=(
            "The live record of the same type that now stands for the retired one; null "
            "when the record was withdrawn."
        ),
    )

    reason: Text = Field(description="Why the record was retired, in the curators' words.")

    version: TombstoneVersion = Field(
        description="The release (MAJOR.MINOR.PATCH) in which the id was retired.",
    )


# The model of each record type, by the name used in schemas.RECORD_TYPES.
RECORD_MODELS: dict[str, type[Record]] = {
    "source": Source,
    "pointer": Pointer,
    "actor": Actor,
    "event": Event,
    "claim": Claim,
    "discrepancy": Discrepancy,
    "uncoded": Uncoded,
    "tombstone": Tombstone,
}
