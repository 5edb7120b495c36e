"""`make mutation`'s report: the mutation score of scoring/engine.py from `mutmut results`, with
the surviving mutants the engine's tests show to be equivalent (one comment each in the test
files, `# equivalent: <function> mutant <n> (<change>) — <why it cannot change a result>`).
Fails when a mutant survives unexplained, is reached by no test, or an equivalence comment names
a mutant that is no longer a survivor (the engine changed: look again)."""

import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

MUTMUT = Path(sys.executable).with_name("mutmut")
TEST_FILES = sorted(Path(__file__).parent.glob("test_*engine*.py"))
EQUIVALENT = re.compile(r"# equivalent: (\w+) mutant (\d+) ")
PREFIX = "scoring.engine.x_"


def results() -> dict[str, str]:
    out = subprocess.run(
        [MUTMUT, "results", "--all", "true"], capture_output=True, text=True, check=True
    ).stdout
    return dict(line.strip().rsplit(": ", 1) for line in out.splitlines() if ": " in line)


def equivalents() -> dict[str, str]:
    found = {}
    for path in TEST_FILES:
        for line in path.read_text().splitlines():
            if match := EQUIVALENT.search(line):
                function, number = match.groups()
                found[f"{PREFIX}{function}__mutmut_{number}"] = f"{path.name}: {line.strip()}"
    return found


def main() -> int:
    status = results()
    explained = equivalents()
    counts = Counter(status.values())
    survivors = {name for name, state in status.items() if state == "survived"}
    unexplained = sorted(survivors - explained.keys())
    stale = sorted(explained.keys() - survivors)
    not_killed = sorted(n for n, s in status.items() if s not in ("killed", "survived"))
    killed = counts["killed"]
    total = len(status)
    print(f"scoring/engine.py: {killed} of {total} mutants killed ({100 * killed / total:.1f} %),")
    print(f"  {len(survivors & explained.keys())} survive, each shown equivalent in the tests:")
    for name in sorted(survivors & explained.keys()):
        print(f"    {explained[name]}")
    for name in not_killed:
        print(f"  {status[name]}: {name}")
    for name in unexplained:
        print(f"  survived, unexplained: {name} (see `mutmut show {name}`)")
    for name in stale:
        print(f"  stale equivalence comment, not a survivor now: {name}")
    return 1 if unexplained or stale or not_killed else 0


if __name__ == "__main__":
    sys.exit(main())
