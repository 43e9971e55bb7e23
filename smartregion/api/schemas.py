"""What the API reads and writes. Every field is public data: nothing here may name an e-mail address, an
assisted contributor's contact, demographic data or an unpublished assessment
(``tests/api/test_personal_data.py`` walks every endpoint to check)."""

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from ninja import Field, Schema
from pydantic import StringConstraints

CENT = Decimal("0.01")

# --- Network -------------------------------------------------------------------------------------------


class MunicipalityOut(Schema):
    slug: str
    name: str
    kind: str
    population: int
    population_year: int
    official_key: str = Field(description="Amtlicher Gemeindeschlüssel (AGS) oder Verbandsgemeindeschlüssel")
    # Numbers in JSON (a Decimal would be written as a string).
    latitude: float
    longitude: float


class OrganizationOut(Schema):
    slug: str
    name: str
    kind: str
    municipality: str | None = Field(
        description="Kurzname der Kommune, falls die Organisation zu einer gehört"
    )
    description: str
    website: str

    @staticmethod
    def resolve_municipality(obj: Any) -> str | None:
        return obj.municipality.slug if obj.municipality_id else None


# --- Participation -------------------------------------------------------------------------------------


class PhaseOut(Schema):
    kind: str
    title: str
    description: str
    starts_at: datetime
    ends_at: datetime
    features: list[str] = Field(description="Was die Phase ermöglicht: propose, comment, support")

    @staticmethod
    def resolve_features(obj: Any) -> list[str]:
        return sorted(obj.features)


class ProcessOut(Schema):
    slug: str
    title: str
    summary: str
    body: str = Field(description="Markdown")
    url: str
    domains: list[str]
    municipalities: list[str]
    idea_count: int
    phases: list[PhaseOut]

    @staticmethod
    def resolve_url(obj: Any, context: Any) -> str:
        return str(context["request"].build_absolute_uri(obj.get_absolute_url()))

    @staticmethod
    def resolve_domains(obj: Any) -> list[str]:
        return [domain.slug for domain in obj.domains.all()]

    @staticmethod
    def resolve_municipalities(obj: Any) -> list[str]:
        return [municipality.slug for municipality in obj.municipalities.all()]

    @staticmethod
    def resolve_phases(obj: Any) -> list[Any]:
        return sorted(obj.phases.all(), key=lambda phase: phase.starts_at)


class IdeaOut(Schema):
    id: int
    url: str
    title: str
    body: str = Field(description="Markdown")
    status: str
    status_reason: str
    process: str = Field(description="Kurzname des Verfahrens")
    municipality: str | None = Field(description="Kurzname der Kommune; null: die ganze Region")
    domains: list[str]
    channel: str
    attribution: str = Field(description="Von wem die Idee stammt, wie auf der Ideenseite")
    latitude: float | None
    longitude: float | None
    published_at: datetime | None
    support_count: int
    comment_count: int
    merged_into: int | None

    @staticmethod
    def resolve_url(obj: Any, context: Any) -> str:
        return str(context["request"].build_absolute_uri(obj.get_absolute_url()))

    @staticmethod
    def resolve_process(obj: Any) -> str:
        return str(obj.process.slug)

    @staticmethod
    def resolve_municipality(obj: Any) -> str | None:
        return obj.municipality.slug if obj.municipality_id else None

    @staticmethod
    def resolve_domains(obj: Any) -> list[str]:
        return [domain.slug for domain in obj.domains.all()]

    @staticmethod
    def resolve_merged_into(obj: Any) -> int | None:
        return obj.merged_into_id


class CommentOut(Schema):
    id: int
    parent: int | None
    author: str | None = Field(description="Öffentlicher Name; null, wenn verborgen oder gelöscht")
    body: str | None = Field(description="Markdown; null, wenn verborgen oder gelöscht")
    state: Literal["visible", "hidden", "deleted"]
    is_highlighted: bool
    created_at: datetime
    edited_at: datetime | None

    @staticmethod
    def resolve_parent(obj: Any) -> int | None:
        return obj.parent_id

    @staticmethod
    def resolve_state(obj: Any) -> str:
        return "deleted" if obj.is_deleted else "hidden" if obj.is_hidden else "visible"

    @staticmethod
    def resolve_author(obj: Any) -> str | None:
        return str(obj.author.public_name) if obj.is_visible and obj.author_id else None

    @staticmethod
    def resolve_body(obj: Any) -> str | None:
        return str(obj.body) if obj.is_visible else None


# Text in, of a bounded length and without NUL characters (which PostgreSQL cannot store or compare);
# the same limits as the pages' forms.
NO_NUL = r"^[^\x00]*$"
Title = Annotated[str, StringConstraints(max_length=150, pattern=NO_NUL)]
Text = Annotated[str, StringConstraints(max_length=10000, pattern=NO_NUL)]
CommentText = Annotated[str, StringConstraints(max_length=5000, pattern=NO_NUL)]
Slug = Annotated[str, StringConstraints(max_length=200, pattern=NO_NUL)]
Cursor = Annotated[str, StringConstraints(max_length=500, pattern=NO_NUL)]


class IdeaIn(Schema):
    process: Slug = Field(description="Kurzname eines Verfahrens, dessen Ideensammlung läuft")
    title: Title
    body: Text = Field(description="Markdown")
    domains: list[Slug] = Field(description="Kurznamen eines oder mehrerer Lebensbereiche", max_length=20)
    municipality: Slug | None = Field(
        default=None, description="Kurzname einer Kommune; null: die ganze Region"
    )
    latitude: Decimal | None = Field(default=None, ge=-90, le=90)
    longitude: Decimal | None = Field(default=None, ge=-180, le=180)


class CommentIn(Schema):
    body: CommentText = Field(description="Markdown")
    parent: int | None = Field(
        default=None, ge=1, le=2**31 - 1, description="Antwort auf diesen Kommentar der obersten Ebene"
    )


class SupportOut(Schema):
    idea: int
    supported: bool
    support_count: int


# --- Strategy ------------------------------------------------------------------------------------------


class DomainOut(Schema):
    slug: str
    name: str
    description: str


class GoalOut(Schema):
    slug: str
    title: str
    summary: str
    domains: list[str]

    @staticmethod
    def resolve_domains(obj: Any) -> list[str]:
        return [domain.slug for domain in obj.domains.all()]


class StrategyOut(Schema):
    slug: str
    title: str
    summary: str
    goal: str = Field(description="Kurzname des Ziels")

    @staticmethod
    def resolve_goal(obj: Any) -> str:
        return str(obj.goal.slug)


class Money(Schema):
    planned: Decimal
    committed: Decimal
    spent: Decimal


class MeasureOut(Schema):
    slug: str
    url: str
    title: str
    summary: str
    strategy: str = Field(description="Kurzname der Strategie")
    goal: str = Field(description="Kurzname des Ziels")
    domains: list[str]
    municipalities: list[str]
    status: str
    progress: int = Field(description="Prozent")
    budget: Money
    milestone_count: int
    milestone_done_count: int
    idea_count: int

    @staticmethod
    def resolve_url(obj: Any, context: Any) -> str:
        return str(context["request"].build_absolute_uri(obj.get_absolute_url()))

    @staticmethod
    def resolve_strategy(obj: Any) -> str:
        return str(obj.strategy.slug)

    @staticmethod
    def resolve_goal(obj: Any) -> str:
        return str(obj.strategy.goal.slug)

    @staticmethod
    def resolve_domains(obj: Any) -> list[str]:
        return [domain.slug for domain in obj.domains.all()]

    @staticmethod
    def resolve_municipalities(obj: Any) -> list[str]:
        return [municipality.slug for municipality in obj.municipalities.all()]

    @staticmethod
    def resolve_budget(obj: Any) -> dict[str, Decimal]:
        return {"planned": obj.budget_planned, "committed": obj.budget_committed, "spent": obj.budget_spent}


class IdeaLinkOut(Schema):
    idea: int
    title: str
    note: str

    @staticmethod
    def resolve_idea(obj: Any) -> int:
        return obj.idea_id

    @staticmethod
    def resolve_title(obj: Any) -> str:
        return str(obj.idea.title)


class BudgetLineOut(Schema):
    funding_source: int = Field(description="Nummer der Förderquelle")
    funding_source_name: str
    year: int
    planned: Decimal
    committed: Decimal
    spent: Decimal

    @staticmethod
    def resolve_funding_source(obj: Any) -> int:
        return obj.source_id

    @staticmethod
    def resolve_funding_source_name(obj: Any) -> str:
        return str(obj.source.name)


class MilestoneOut(Schema):
    """From ``program.selectors.MilestoneItem``."""

    title: str
    due_on: date
    done_on: date | None
    state: Literal["done", "overdue", "open"]

    @staticmethod
    def resolve_title(obj: Any) -> str:
        return str(obj.milestone.title)

    @staticmethod
    def resolve_due_on(obj: Any) -> date:
        return obj.milestone.due_on

    @staticmethod
    def resolve_done_on(obj: Any) -> date | None:
        return obj.milestone.done_on


def _latest(indicator: Any) -> Any:
    values = list(indicator.values.all())  # prefetched, oldest first
    return values[-1] if values else None


class IndicatorOut(Schema):
    id: int
    name: str
    unit: str
    baseline: Decimal
    target: Decimal
    target_on: date | None
    latest_value: Decimal | None
    latest_measured_on: date | None
    values_url: str

    @staticmethod
    def resolve_latest_value(obj: Any) -> Decimal | None:
        latest = _latest(obj)
        return latest.value if latest else None

    @staticmethod
    def resolve_latest_measured_on(obj: Any) -> date | None:
        latest = _latest(obj)
        return latest.measured_on if latest else None

    @staticmethod
    def resolve_values_url(obj: Any, context: Any) -> str:
        return str(context["request"].build_absolute_uri(f"/api/v1/indicators/{obj.pk}/values"))


class ResponsibilityOut(Schema):
    organization: str = Field(description="Kurzname der Organisation")
    role: str

    @staticmethod
    def resolve_organization(obj: Any) -> str:
        return str(obj.organization.slug)


class MeasureDetailOut(MeasureOut):
    """A measure with the lists the endpoint loads onto it (api/endpoints/strategy.py)."""

    body: str = Field(description="Markdown")
    progress_reason: str
    responsibilities: list[ResponsibilityOut] = Field(alias="responsibility_list")
    ideas: list[IdeaLinkOut] = Field(alias="public_idea_links")
    budget_lines: list[BudgetLineOut] = Field(alias="budget_line_list")
    milestones: list[MilestoneOut] = Field(alias="milestone_items")
    indicators: list[IndicatorOut] = Field(alias="indicator_list")


class FundingSourceOut(Schema):
    id: int
    name: str
    kind: str
    amount: Decimal = Field(description="Was die Quelle über die Programmlaufzeit bereitstellt, EUR")
    max_rate: Decimal | None = Field(
        description="Höchster Anteil an den förderfähigen Kosten einer Maßnahme, den die Quelle trägt, in "
        "Prozent; leer: keine Grenze"
    )
    emergency_rate: Decimal | None = Field(
        description="Anteil, der statt max_rate gilt, solange der Zuwendungsempfänger in Haushaltsnotlage "
        "ist, in Prozent"
    )
    budget_emergency: bool = Field(description="Ob der Zuwendungsempfänger in Haushaltsnotlage ist")
    rate: Decimal | None = Field(
        description="Der Anteil, der jetzt gilt (emergency_rate in Haushaltsnotlage)"
    )
    planned: Decimal = Field(description="Von den veröffentlichten Maßnahmen daraus geplant, EUR")
    committed: Decimal
    spent: Decimal

    # SQLite's sums lose the cents' scale; every amount reads with two decimals.
    @staticmethod
    def resolve_planned(obj: Any) -> Decimal:
        return Decimal(obj.planned).quantize(CENT)

    @staticmethod
    def resolve_committed(obj: Any) -> Decimal:
        return Decimal(obj.committed).quantize(CENT)

    @staticmethod
    def resolve_spent(obj: Any) -> Decimal:
        return Decimal(obj.spent).quantize(CENT)


class IndicatorValueOut(Schema):
    measured_on: date
    value: Decimal
    source: str


# --- Lists ---------------------------------------------------------------------------------------------


class IdeaList(Schema):
    count: int
    next: str | None = Field(description="Adresse der nächsten Seite; null auf der letzten")
    results: list[IdeaOut]


class CommentList(Schema):
    count: int
    next: str | None
    results: list[CommentOut]


class MeasureList(Schema):
    count: int
    next: str | None
    results: list[MeasureOut]
