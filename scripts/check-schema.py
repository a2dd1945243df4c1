#!/usr/bin/env python3
"""Validates every scenario file in the repository against docs/scenario.schema.json.

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

schema = json.load(open("docs/scenario.schema.json"))
jsonschema.Draft202012Validator.check_schema(schema)
validator = jsonschema.Draft202012Validator(schema)
files = sorted(glob.glob("examples/*.yaml") + glob.glob("examples/*/scenario.yaml") + glob.glob("Benchmarks/scenarios/*.yaml") + glob.glob("flows/*/scenario.yaml"))
for path in files:
    errors = list(validator.iter_errors(yaml.load(open(path), Loader=CoreLoader)))
    if errors:
        for error in errors:
            print(f"{path}: {'/'.join(map(str, error.absolute_path))}: {error.message}")
        sys.exit(1)
flow_schema = json.load(open("docs/flow.schema.json"))
jsonschema.Draft202012Validator.check_schema(flow_schema)
flow_validator = jsonschema.Draft202012Validator(flow_schema)
flow_files = sorted(glob.glob("examples/*/flows/*.yaml") + glob.glob("flows/*/flows/*.yaml"))
for path in flow_files:
    errors = list(flow_validator.iter_errors(yaml.load(open(path), Loader=CoreLoader)))
    if errors:
        for error in errors:
            print(f"{path}: {'/'.join(map(str, error.absolute_path))}: {error.message}")
        sys.exit(1)
print(f"check-schema: {len(files)} scenario files and {len(flow_files)} flow files valid against docs/*.schema.json")
