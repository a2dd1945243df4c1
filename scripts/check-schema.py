#!/usr/bin/env python3
"""Validates every scenario, flow, shift and sweep file in the repository against docs/*.schema.json.

YAML is read with the YAML 1.2 core types (no timestamps), as editors' YAML language servers read it, so a date such as
2020-01-06 stays a string. Exits 1 on the first invalid file, 0 when all are valid.
"""
import glob
import json
import sys

try:
    import jsonschema
    import yaml
except ImportError as missing:  # the machine image ships both; say so plainly if not
    print(f"check-schema: skipped, {missing.name} is not installed (pip install jsonschema pyyaml)")
    sys.exit(0)


class CoreLoader(yaml.SafeLoader):
    pass


CoreLoader.yaml_implicit_resolvers = {
    key: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}

def validate(schema_path, paths):
    """Validates each YAML file against a JSON Schema; prints the problems and exits 1 on the first invalid file."""
    schema = json.load(open(schema_path))
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    for path in paths:
        errors = list(validator.iter_errors(yaml.load(open(path), Loader=CoreLoader)))
        if errors:
            for error in errors:
                print(f"{path}: {'/'.join(map(str, error.absolute_path))}: {error.message}")
            sys.exit(1)
    return len(paths)


scenarios = validate("docs/scenario.schema.json", sorted(
    glob.glob("examples/*.yaml") + glob.glob("examples/*/scenario.yaml") + glob.glob("Benchmarks/scenarios/*.yaml")
    + glob.glob("flows/*/scenario.yaml") + glob.glob("Tests/Overload/*.yaml")))
flows = validate("docs/flow.schema.json", sorted(glob.glob("examples/*/flows/*.yaml") + glob.glob("flows/*/flows/*.yaml")))
shifts = validate("docs/shifts.schema.json", sorted(glob.glob("flows/*/shifts.yaml") + glob.glob("examples/*shifts*.yaml")))
sweeps = validate("docs/sweep.schema.json", sorted(glob.glob("examples/sweeps/*.yaml") + glob.glob("flows/*/sweep*.yaml")))
print(f"check-schema: {scenarios} scenario files, {flows} flow files, {shifts} shift files and {sweeps} sweep files "
      "valid against docs/*.schema.json")
