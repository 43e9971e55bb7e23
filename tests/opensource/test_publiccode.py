"""``publiccode.yml`` (standard 0.4), which OpenCoDE reads: valid, and true to the repository.

No validator for the standard is on PyPI, so the schema beside this test was written from the standard's
text (the keys of its international section; SmartRegion needs no country section).
"""

import json
import tomllib
from pathlib import Path

import jsonschema_rs
import yaml

ROOT = Path(__file__).resolve().parent.parent.parent


def _publiccode() -> dict:
    return yaml.safe_load((ROOT / "publiccode.yml").read_text(encoding="utf-8"))


def test_publiccode_yml_follows_the_standard():
    schema = json.loads((Path(__file__).parent / "publiccode-0.4.schema.json").read_text(encoding="utf-8"))
    errors = [
        f"{'/'.join(map(str, error.instance_path))}: {error.message}"
        for error in jsonschema_rs.validator_for(schema).iter_errors(_publiccode())
    ]
    assert errors == []


def test_the_schema_catches_what_the_standard_requires():
    schema = json.loads((Path(__file__).parent / "publiccode-0.4.schema.json").read_text(encoding="utf-8"))
    validator = jsonschema_rs.validator_for(schema)
    broken = _publiccode()
    del broken["legal"]["license"]
    broken["description"]["de"]["shortDescription"] = "x" * 151
    broken["categories"] = ["participation"]
    assert len(list(validator.iter_errors(broken))) == 3


def test_publiccode_yml_agrees_with_the_repository():
    publiccode = _publiccode()
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert publiccode["legal"]["license"] == project["license"] == "EUPL-1.2"
    assert publiccode["softwareVersion"] == project["version"]
    assert (ROOT / publiccode["logo"]).is_file()
    languages = set(publiccode["localisation"]["availableLanguages"])
    assert set(publiccode["description"]) == languages == {"de", "en"}
