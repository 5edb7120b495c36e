"""How to work with each social style (DESIGN.md §4): what the stakeholder card tells the team."""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accounts.models import SocialStyle


@dataclass(frozen=True)
class StyleGuidance:
    style: str
    summary: Promise
    do: tuple[Promise, ...]
    dont: tuple[Promise, ...]


GUIDANCE = {
    SocialStyle.ANALYTICAL: StyleGuidance(
        style=SocialStyle.ANALYTICAL,
        summary=_(
            "Bring data and detail, be precise, don't rush them, and give them time to decide."
        ),
        do=(
            _("Send the figures, specifications and references before the meeting."),
            _("Answer questions exactly; say so when you need to check something."),
            _("Set out the options with their pros, cons and risks in writing."),
            _("Agree a date for their decision and leave them the time until then."),
        ),
        dont=(
            _("Don't push for a decision on the spot."),
            _("Don't round numbers or make claims you can't back up."),
            _("Don't rely on enthusiasm or small talk to carry the case."),
        ),
    ),
    SocialStyle.DRIVER: StyleGuidance(
        style=SocialStyle.DRIVER,
        summary=_("Be brief and results-first, offer options, and let them decide."),
        do=(
            _("Open with the result for their business: cost, time, output."),
            _("Keep meetings short and start and end on time."),
            _("Bring two or three options with a clear recommendation."),
            _("Let them make the call, then act on it quickly."),
        ),
        dont=(
            _("Don't drown them in detail or background."),
            _("Don't decide for them or corner them."),
            _("Don't waste their time with chit-chat."),
        ),
    ),
    SocialStyle.AMIABLE: StyleGuidance(
        style=SocialStyle.AMIABLE,
        summary=_(
            "Build the relationship first, introduce people, be patient, and reassure them "
            "about risk."
        ),
        do=(
            _("Take time to get to know them and their team."),
            _("Introduce the people who will support them after the sale."),
            _("Show how others like them made the change safely."),
            _("Offer guarantees, pilots and a clear plan for what happens if it goes wrong."),
        ),
        dont=(
            _("Don't pressure them or set hard deadlines."),
            _("Don't take their friendliness for agreement: check what they really think."),
            _("Don't leave them alone after they say yes."),
        ),
    ),
    SocialStyle.EXPRESSIVE: StyleGuidance(
        style=SocialStyle.EXPRESSIVE,
        summary=_(
            "Give them room to talk, start from the vision, recognise them, and follow up in "
            "writing."
        ),
        do=(
            _("Start from the big picture and where they want to take the business."),
            _("Let them talk and share ideas; listen for what excites them."),
            _("Recognise their contribution, in front of others where you can."),
            _("Confirm what was agreed in writing the same day."),
        ),
        dont=(
            _("Don't open with detailed numbers and specifications."),
            _("Don't cut them off or stick rigidly to the agenda."),
            _("Don't assume an enthusiastic yes is a commitment until it's written down."),
        ),
    ),
}


def guidance_for(style: str) -> StyleGuidance | None:
    """The guidance for a social style, or None when the style is not known yet."""
    try:
        return GUIDANCE[SocialStyle(style)]
    except ValueError:
        return None
