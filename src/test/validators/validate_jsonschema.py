"""Validates JSON Lines files against Tally's schemas the way a Python consumer does: python-jsonschema's
Draft202012Validator with default options (no format checker), the schemas loaded from schemas/ and referenced by
their $id, numbers parsed by the json module (floats are binary doubles).

Usage: python3 validate_jsonschema.py SCHEMA_DIR STREAM=FILE.jsonl ...
Prints one JSON object: per stream the records validated, the records rejected and the first few rejections with
python-jsonschema's messages; and the schemas that are not valid Draft 2020-12 schemas (check_schema).
Exit status: 0 when every schema is valid and every record too, 1 when not, 2 on bad usage.
"""
import json
import os
import sys

import jsonschema
from jsonschema import Draft202012Validator

MAX_REPORTED = 5


def version():
    try:
        from importlib.metadata import version as installed
        return installed("jsonschema")
    except Exception:  # an installation without metadata
        return "?"


def load_schemas(directory):
    schemas = {}
    for name in sorted(os.listdir(directory)):
        if name.endswith(".schema.json"):
            with open(os.path.join(directory, name), encoding="utf-8") as f:
                schemas[name] = json.load(f)
    return schemas


def validator_for(schema, schemas):
    """A validator that resolves $refs to the other schemas by their $id, never over the network."""
    try:
        # jsonschema >= 4.18 resolves references through the referencing library.
        from referencing import Registry, Resource
        registry = Registry().with_resources(
            (s["$id"], Resource.from_contents(s)) for s in schemas.values())
        return Draft202012Validator(schema, registry=registry)
    except ImportError:
        # Older releases (Debian 12 ships 4.10.3) take a RefResolver with a store of the schemas.
        store = {s["$id"]: s for s in schemas.values()}
        resolver = jsonschema.RefResolver.from_schema(schema, store=store)
        return Draft202012Validator(schema, resolver=resolver)


def validate_lines(validator, path):
    result = {"records": 0, "rejected": 0, "first": []}
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, start=1):
            if not line.strip():
                continue
            result["records"] += 1
            try:
                errors = ["/" + "/".join(str(p) for p in e.absolute_path) + " " + e.message
                          for e in validator.iter_errors(json.loads(line))]
            except ValueError as e:
                errors = ["not JSON: " + str(e)]
            if errors:
                result["rejected"] += 1
                if len(result["first"]) < MAX_REPORTED:
                    result["first"].append({"line": number, "errors": errors[:10], "record": line[:500]})
    return result


def main(args):
    if len(args) < 2:
        sys.stderr.write("usage: validate_jsonschema.py SCHEMA_DIR STREAM=FILE.jsonl ...\n")
        return 2
    schemas = load_schemas(args[0])
    schema_errors = []
    for name, schema in schemas.items():
        try:
            Draft202012Validator.check_schema(schema)
        except jsonschema.exceptions.SchemaError as e:
            schema_errors.append(name + ": " + e.message)
    streams = {}
    for arg in args[1:]:
        stream, path = arg.split("=", 1)
        schema = schemas[stream + ".schema.json"]
        streams[stream] = validate_lines(validator_for(schema, schemas), path)
    report = {
        "validator": "python-jsonschema " + version() + " (Draft202012Validator, default options), Python "
                     + sys.version.split()[0],
        "streams": streams,
        "compileErrors": schema_errors,
        "warnings": [],
    }
    sys.stdout.write(json.dumps(report) + "\n")
    rejected = any(r["rejected"] for r in streams.values())
    return 1 if rejected or schema_errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
