"""A pytest plugin for `make mutation` only (pyproject.toml, [tool.mutmut]): Hypothesis draws the
same examples on every run, so the mutation score does not wobble between runs, and stops at a
mutant's first failing example instead of shrinking it (the mutant only needs to fail, and
shrinking on a busy machine can outlast mutmut's timeout)."""

from hypothesis import Phase, settings

settings.register_profile(
    "mutation", derandomize=True, deadline=None, phases=(Phase.explicit, Phase.generate)
)
settings.load_profile("mutation")
