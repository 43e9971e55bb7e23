"""Small German test corpora: ideas on distinct topics, written the way people write them."""

import random

TOPICS = {
    "mobilitaet": [
        "Radweg",
        "Fahrradweg",
        "Bushaltestelle",
        "Busverbindung",
        "Radfahrer",
        "Ampel",
        "Kreuzung",
        "Fahrradstraße",
        "Parkplätze",
        "Tempo 30",
        "Zebrastreifen",
        "Fahrradständer",
        "Bahnhof",
    ],
    "umwelt": [
        "Bäume",
        "Blühwiese",
        "Streuobstwiese",
        "Insekten",
        "Müll",
        "Mülleimer",
        "Photovoltaik",
        "Solaranlage",
        "Regenwasser",
        "Hecke",
        "Naturschutz",
        "Klimaschutz",
        "Grünfläche",
    ],
    "digitales": [
        "WLAN",
        "Glasfaser",
        "Breitband",
        "Internet",
        "App",
        "Online-Termin",
        "digitale Verwaltung",
        "Mobilfunk",
        "Funkloch",
        "Datenschutz",
        "Videosprechstunde",
        "Portal",
        "Software",
    ],
}
PLACES = ["Andernach", "Mayen", "Weißenthurm", "Mendig", "Polch", "Kobern-Gondorf", "Vallendar"]
FRAMES = [
    "Ich wünsche mir mehr {a} in {p}, weil {b} und {c} fehlen.",
    "In {p} braucht es dringend {a}. Außerdem sollte man {b} verbessern.",
    "Bitte kümmern Sie sich um {a} und {b} in {p}, das wäre für alle gut.",
    "Warum gibt es in {p} keine {a}? Auch {c} wäre eine gute Idee.",
]


def ideas(per_topic: int, seed: int = 0) -> list[tuple[str, str, str]]:
    """(topic, title, body) triples, ``per_topic`` for each topic, shuffled."""
    rng = random.Random(seed)  # noqa: S311 - test data
    rows = []
    for topic, words in TOPICS.items():
        for _ in range(per_topic):
            place = rng.choice(PLACES)
            body = " ".join(
                rng.choice(FRAMES).format(
                    **dict(zip("abc", rng.sample(words, 3), strict=True)), p=rng.choice(PLACES)
                )
                for _ in range(3)
            )
            a = rng.choice(words)
            rows.append((topic, f"{a} für {place}", body))
    rng.shuffle(rows)
    return rows
