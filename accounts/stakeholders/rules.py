"""Rules about the shape of an account's organisation, without the ORM: ids in, answers out."""

from collections.abc import Mapping


def reporting_cycle(
    managers: Mapping[int, int | None], person: int, new_manager: int | None
) -> list[int] | None:
    """The loop that `person` reporting to `new_manager` would close, or None if there is none.

    `managers` maps each person to whom they report today. The answer starts with `person` and
    follows the reporting line up to the person again (A → B → A gives [A, B]); reporting to
    oneself gives [A].
    """
    if new_manager is None:
        return None
    chain = [person]
    seen = {person}
    current = new_manager
    while current is not None:
        if current == person:
            return chain
        if current in seen:  # an older loop further up, not one this change closes
            return None
        chain.append(current)
        seen.add(current)
        current = managers.get(current)
    return None
