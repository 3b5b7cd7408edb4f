#!/usr/bin/env python3
"""Validates CycloneDX 1.6 JSON documents with the official validator of cyclonedx-python-lib
(its JSON schema, strict mode) on the raw document. Exit 1 if any file is invalid.

    python scripts/validate-cyclonedx.py release.cdx.json [...]
"""
import sys

from cyclonedx.schema import SchemaVersion
from cyclonedx.validation.json import JsonStrictValidator

validator = JsonStrictValidator(SchemaVersion.V1_6)
bad = 0
for path in sys.argv[1:]:
    with open(path, encoding="utf-8") as f:
        error = validator.validate_str(f.read())
    if error is None:
        print(f"valid CycloneDX 1.6: {path}")
    else:
        bad += 1
        print(f"INVALID: {path}: {error}")
sys.exit(1 if bad else 0)
