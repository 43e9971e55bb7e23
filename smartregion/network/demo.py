"""Demo data for the MYK default configuration: region, municipalities, organizations.

Municipality facts come from demo_data/myk_municipalities.csv (public sources, see its 'source'
column). Organization names are illustrative, not a statement about real partnerships.
"""

import csv
import datetime
from decimal import Decimal
from pathlib import Path

from django.conf import settings

from smartregion.core.text import slugify_de

from .models import Municipality, Organization, Region

DATA_DIR = Path(__file__).resolve().parent / "demo_data"

# Kinds of local partners a Smart Region network typically has in every municipality.
LOCAL_PARTNER_PATTERNS = (
    "Bürgerverein {name}",
    "Seniorenbeirat {name}",
    "Gewerbeverein {name}",
    "Schulzentrum {name}",
)
CITY_PARTNER_PATTERNS = ("Stadtwerke {name}",)
EXTERNAL_PARTNERS = (
    "Bundesministerium für Wohnen, Stadtentwicklung und Bauwesen",
    "KfW Bankengruppe",
    "Koordinierungs- und Transferstelle Modellprojekte Smart Cities",
    "Bundesinstitut für Bau-, Stadt- und Raumforschung",
    "Ministerium für Arbeit, Soziales, Transformation und Digitalisierung Rheinland-Pfalz",
    "Entwicklungsagentur Rheinland-Pfalz",
    "Hochschule Koblenz",
    "Universität Koblenz",
    "Fraunhofer-Institut für Experimentelles Software Engineering",
    "Deutsches Institut für Urbanistik",
    "Deutscher Landkreistag",
    "Landesbetrieb Mobilität Rheinland-Pfalz",
    "Energieagentur Rheinland-Pfalz",
    "Verkehrsverbund Rhein-Mosel",
    "Open Source Business Alliance",
)
REGIONAL_PARTNERS = (
    "Industrie- und Handelskammer Koblenz",
    "Handwerkskammer Koblenz",
    "Kreisvolkshochschule Mayen-Koblenz",
)


def seed_region() -> Region:
    """The Landkreis Mayen-Koblenz and its program MYK10."""
    region, _ = Region.objects.update_or_create(
        name="Landkreis Mayen-Koblenz",
        defaults={
            "program_name": "MYK10 – Network in Region",
            "summary": (
                "Zehn Kommunen, ein Netzwerk: Der Landkreis Mayen-Koblenz entwickelt als Modellprojekt "
                "Smart Cities gemeinsam mit Bürgerinnen und Bürgern, Partnern und Fachleuten eine "
                "Strategie für eine digitale, nachhaltige und lebenswerte Region – in Stadt und Land."
            ),
            "program_start": datetime.date(2021, 1, 1),
            "program_end": datetime.date(2027, 12, 31),
            "federal_funding": Decimal("11400000.00"),
            "own_share": Decimal("6100000.00"),
            "operator": "Kreisverwaltung Mayen-Koblenz",
            "address": "Bahnhofstraße 9\n56068 Koblenz",
            "phone": "0261 108-0",
            "contact_email": settings.PROGRAM_OFFICE_EMAIL,
            "website": "",
            "legal_representative": "der Landrat",
            "data_protection_contact": "Datenschutzbeauftragte der Kreisverwaltung, datenschutz@example.org",
            "accessibility_reviewed_on": datetime.date(2026, 11, 24),
            "goal_level_name": "Zielbild",
            "strategy_level_name": "Integrierte Lösung",
            "accessibility_enforcement_body": (
                "Landesbeauftragter für die Belange von Menschen mit Behinderungen Rheinland-Pfalz\n"
                "Bauhofstraße 9\n55116 Mainz"
            ),
        },
    )
    return region


def seed_municipalities(region: Region) -> list[Municipality]:
    """The ten member municipalities from the bundled CSV."""
    municipalities = []
    with (DATA_DIR / "myk_municipalities.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            municipality, _ = Municipality.objects.update_or_create(
                official_key=row["ags"],
                defaults={
                    "region": region,
                    "name": row["name"],
                    "slug": slugify_de(row["name"]),
                    "kind": row["kind"],
                    "population": int(row["population"]),
                    "population_year": int(row["population_year"]),
                    "latitude": Decimal(row["lat"]),
                    "longitude": Decimal(row["lon"]),
                },
            )
            municipalities.append(municipality)
    return municipalities


def _organization(name: str, kind: str, municipality: Municipality | None = None) -> Organization:
    organization, _ = Organization.objects.update_or_create(
        slug=slugify_de(name),
        defaults={"name": name, "kind": kind, "municipality": municipality},
    )
    return organization


def seed_organizations(municipalities: list[Municipality]) -> dict[str, Organization]:
    """About 70 organizations of every kind; returns the program bodies by kind."""
    kinds = Organization.Kind
    for municipality in municipalities:
        prefix = (
            "Stadtverwaltung" if municipality.kind == Municipality.Kind.CITY else "Verbandsgemeindeverwaltung"
        )
        _organization(f"{prefix} {municipality.name}", kinds.MUNICIPAL_ADMINISTRATION, municipality)
        patterns: tuple[str, ...] = LOCAL_PARTNER_PATTERNS
        if municipality.kind == Municipality.Kind.CITY:
            patterns = patterns + CITY_PARTNER_PATTERNS
        for pattern in patterns:
            _organization(pattern.format(name=municipality.name), kinds.LOCAL_PARTNER, municipality)
    for name in REGIONAL_PARTNERS:
        _organization(name, kinds.LOCAL_PARTNER)
    for name in EXTERNAL_PARTNERS:
        _organization(name, kinds.EXTERNAL_PARTNER)
    return {
        "board": _organization("Expertenbeirat MYK10", kinds.EXPERT_BOARD),
        "council": _organization("Kreistag Mayen-Koblenz", kinds.COUNCIL),
        "office": _organization("Stabsstelle Smart City", kinds.PROGRAM_OFFICE),
    }
