"""Count, for every term of the vocabulary, the indexed documents holding it (the index built so far)."""

from collections import Counter
from typing import Any

from django.db import migrations


def fill(apps: Any, schema_editor: Any) -> None:
    entry_model = apps.get_model("insights", "SearchEntry")
    term_model = apps.get_model("insights", "SearchTerm")
    documents: Counter[str] = Counter()
    rows = entry_model.objects.values_list("title_stems", "body_stems").iterator(chunk_size=2000)
    for title_stems, body_stems in rows:
        documents.update(set(title_stems.split()) | set(body_stems.split()))
    terms = [term_model(term=term, documents=count) for term, count in documents.items() if len(term) <= 100]
    # Every term of an entry is in the vocabulary already (index_update stores both).
    term_model.objects.bulk_update(terms, ["documents"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [("insights", "0005_searchterm_documents")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
