#!/usr/bin/env python3
"""Prints the test summary line of `./ck test`: "N passed, M failed" (", K skipped" when any).

Reads the Build Event Protocol JSON file of one `bazel test` run, takes the test.xml of every test
target that ran, and counts test cases. A target that failed without a parsable test.xml (build
error, crash, timeout) counts as one failed case, so no failure goes uncounted. Exits non-zero when
a case failed or none ran.

Checks run outside Bazel (the templates' acceptance check) add their results from an optional
file of lines "passed NAME" / "failed NAME".

usage: test_summary.py BEP_JSON_FILE BAZEL_EXIT_CODE [EXTRA_RESULTS_FILE]
"""

import json
import sys
import xml.etree.ElementTree as ET
from urllib.parse import unquote, urlparse


def count_cases(xml_path):
    """Returns (passed, failed, skipped, failed_names) for one test.xml."""
    passed = failed = skipped = 0
    failed_names = []
    root = ET.parse(xml_path).getroot()
    for case in root.iter("testcase"):
        status = case.get("status", "run")
        result = case.get("result", "completed")
        if case.find("failure") is not None or case.find("error") is not None:
            failed += 1
            failed_names.append(f"{case.get('classname', '')}.{case.get('name', '')}")
        elif case.find("skipped") is not None or status == "notrun" or result == "skipped":
            skipped += 1
        else:
            passed += 1
    return passed, failed, skipped, failed_names


def main():
    bep_path, bazel_rc = sys.argv[1], int(sys.argv[2])
    results = {}  # label -> (status, [test.xml paths])
    with open(bep_path, encoding="utf-8") as bep:
        for line in bep:
            event = json.loads(line)
            test_result = event.get("testResult")
            if test_result is None:
                continue
            label = event["id"]["testResult"]["label"]
            xmls = [
                unquote(urlparse(out["uri"]).path)
                for out in test_result.get("testActionOutput", [])
                if out.get("name") == "test.xml"
            ]
            status, paths = results.get(label, ("PASSED", []))
            if test_result.get("status") != "PASSED":
                status = test_result.get("status", "FAILED")
            results[label] = (status, paths + xmls)

    passed = failed = skipped = 0
    failures = []
    for label, (status, paths) in sorted(results.items()):
        target_failed = 0
        for path in paths:
            try:
                p, f, s, names = count_cases(path)
            except (OSError, ET.ParseError):
                continue
            passed, skipped, target_failed = passed + p, skipped + s, target_failed + f
            failures += [f"{label} {n}" for n in names]
        if status != "PASSED" and target_failed == 0:
            target_failed = 1
            failures.append(f"{label} ({status})")
        failed += target_failed

    if len(sys.argv) > 3:
        try:
            with open(sys.argv[3], encoding="utf-8") as extra:
                for line in extra:
                    outcome, _, name = line.strip().partition(" ")
                    if outcome == "passed":
                        passed += 1
                    elif outcome == "failed":
                        failed += 1
                        failures.append(name)
        except OSError:
            pass

    if bazel_rc != 0 and failed == 0:
        failed = 1
        failures.append(f"bazel test exited with status {bazel_rc} (a target failed to build)")

    for failure in failures:
        print(f"FAILED: {failure}")
    if not results:
        print("no test ran" + (" (the build failed)" if bazel_rc else ""))
    summary = f"{passed} passed, {failed} failed"
    if skipped:
        summary += f", {skipped} skipped"
    print(summary)
    sys.exit(1 if failed or not results else 0)


if __name__ == "__main__":
    main()
