"""The ten domains of life of the MYK strategy (DOMAIN.md)."""

from smartregion.core.text import slugify_de

from .models import Domain

DOMAINS = (
    "Wirtschaft",
    "Tourismus",
    "Gesundheit",
    "Bildung",
    "Kommunikationsinfrastruktur",
    "Mobilität und Verkehr",
    "Energie",
    "Umwelt",
    "Digitale Souveränität",
    "Stadt- und Landentwicklung",
)


def seed_domains() -> list[Domain]:
    """Create the ten domains; safe to run again."""
    return [
        Domain.objects.update_or_create(slug=slugify_de(name), defaults={"name": name, "position": index})[0]
        for index, name in enumerate(DOMAINS)
    ]
