"""Read side of the stakeholder map, for an account loaded through accounts.access."""

from dataclasses import dataclass

from django.db.models import Case, IntegerField, Prefetch, QuerySet, Value, When
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts import versions
from accounts.models import (
    Account,
    Attitude,
    BuyingRole,
    Coverage,
    NeedScope,
    Stakeholder,
    StakeholderNeed,
    StakeholderPrivateNote,
    StakeholderStatus,
)
from accounts.stakeholders import charts
from accounts.stakeholders.guidance import StyleGuidance, guidance_for

# Short tags for the org chart boxes and the list, with a legend on the page.
ROLE_TAGS = {
    BuyingRole.DECISION_MAKER: _("DM"),
    BuyingRole.RULE_MAKER: _("RM"),
    BuyingRole.USER: _("U"),
    BuyingRole.GATEKEEPER: _("GK"),
    BuyingRole.INFLUENCER: _("IN"),
    BuyingRole.COACH: _("CO"),
}
ATTITUDE_ORDER = [Attitude.SUPPORTER, Attitude.NEUTRAL, Attitude.OPPONENT]
QUADRANT_LABELS = {
    charts.Quadrant.MANAGE_CLOSELY: _("Manage closely"),
    charts.Quadrant.KEEP_SATISFIED: _("Keep satisfied"),
    charts.Quadrant.KEEP_INFORMED: _("Keep informed"),
    charts.Quadrant.MONITOR: _("Monitor"),
}


def role_legend() -> list[tuple[str, str]]:
    return [(str(ROLE_TAGS[role]), role.label) for role in BuyingRole]


def attitude_legend() -> list[tuple[str, str]]:
    return [(attitude.value, attitude.label) for attitude in ATTITUDE_ORDER]


def _active_first(queryset: QuerySet[Stakeholder]) -> QuerySet[Stakeholder]:
    return queryset.annotate(
        left_rank=Case(
            When(status=StakeholderStatus.LEFT, then=Value(1)),
            default=Value(0),
            output_field=IntegerField(),
        )
    ).order_by("left_rank", "-influence", "name", "pk")


@dataclass
class StakeholderList:
    active: list[Stakeholder]
    departed: list[Stakeholder]

    @property
    def total(self) -> int:
        return len(self.active) + len(self.departed)


def stakeholders_for_list(account: Account) -> StakeholderList:
    """The people of the account, active first (most influential on top); one query."""
    people = list(_active_first(account.stakeholders.select_related("reports_to")))
    return StakeholderList(
        active=[p for p in people if not p.has_left],
        departed=[p for p in people if p.has_left],
    )


def reports_to_choices(account: Account, stakeholder: Stakeholder | None) -> QuerySet[Stakeholder]:
    """Whom a person may report to: active people of this account, never the person themself.
    Someone who left stays on offer only as the person's current manager, so the line is kept."""
    choices = account.stakeholders.filter(status=StakeholderStatus.ACTIVE)
    if stakeholder is not None and stakeholder.pk:
        choices = choices.exclude(pk=stakeholder.pk)
        if stakeholder.reports_to_id:
            choices = choices | account.stakeholders.filter(pk=stakeholder.reports_to_id)
    return choices.order_by("name", "pk")


def get_stakeholder_or_404(account: Account, stakeholder_pk) -> Stakeholder:
    stakeholder = get_object_or_404(
        account.stakeholders.select_related("reports_to"), pk=stakeholder_pk
    )
    stakeholder.account = account  # already loaded and scoped: no second query
    return stakeholder


@dataclass
class NeedGroup:
    scope: str
    label: str
    needs: list[StakeholderNeed]


@dataclass
class StakeholderCard:
    stakeholder: Stakeholder
    need_groups: list[NeedGroup]
    direct_reports: list[Stakeholder]
    coverage: list[Coverage]
    guidance: StyleGuidance | None
    private_note: StakeholderPrivateNote | None
    role_tag: str = ""


def stakeholder_card(
    account: Account, stakeholder_pk, *, include_private_notes: bool
) -> StakeholderCard:
    """Everything the card shows, in a fixed number of queries. Private notes are read only when
    the caller may see them, so they cannot leak through a template mistake."""
    prefetches = [
        Prefetch("needs", queryset=StakeholderNeed.objects.order_by("scope", "pk")),
        Prefetch(
            "direct_reports",
            queryset=Stakeholder.objects.order_by("status", "-influence", "name", "pk"),
        ),
        Prefetch(
            "coverage", queryset=Coverage.objects.select_related("user").order_by("-strength")
        ),
    ]
    stakeholder = get_object_or_404(
        account.stakeholders.select_related("reports_to").prefetch_related(*prefetches),
        pk=stakeholder_pk,
    )
    stakeholder.account = account
    needs = list(stakeholder.needs.all())
    groups = [
        NeedGroup(scope.value, scope.label, [n for n in needs if n.scope == scope.value])
        for scope in NeedScope
    ]
    note = None
    if include_private_notes:
        note = StakeholderPrivateNote.objects.filter(stakeholder=stakeholder).first()
    return StakeholderCard(
        stakeholder=stakeholder,
        need_groups=[group for group in groups if group.needs],
        direct_reports=list(stakeholder.direct_reports.all()),
        coverage=list(stakeholder.coverage.all()),
        guidance=guidance_for(stakeholder.social_style),
        private_note=note,
        role_tag=str(ROLE_TAGS.get(stakeholder.buying_role, "")),
    )


def needs_of(stakeholder: Stakeholder) -> list[StakeholderNeed]:
    return list(StakeholderNeed.objects.filter(stakeholder=stakeholder).order_by("scope", "pk"))


def private_note_of(stakeholder: Stakeholder) -> StakeholderPrivateNote | None:
    if not stakeholder.pk:
        return None
    return StakeholderPrivateNote.objects.filter(stakeholder=stakeholder).first()


# --- Charts --------------------------------------------------------------------------------------

CHART_FIELDS = ("pk", "name", "title", "reports_to_id", "buying_role", "attitude", "status")


@dataclass(frozen=True)
class OrgChartNode:
    box: charts.PlacedBox
    pk: int
    name: str
    title: str
    attitude: str
    buying_role: str
    role_tag: str
    role_label: str
    has_left: bool
    name_label: str
    title_label: str
    reports_to: str = ""  # the manager's name, for the link's accessible name

    @property
    def attitude_label(self) -> str:
        return Attitude(self.attitude).label

    # Where the template draws the parts of the box (the template has no float arithmetic).
    @property
    def text_x(self) -> float:
        return self.box.x + 8

    @property
    def name_y(self) -> float:
        return self.box.y + 22

    @property
    def title_y(self) -> float:
        return self.box.y + 42

    @property
    def tag_x(self) -> float:
        return self.box.x + self.box.width - 34

    @property
    def tag_y(self) -> float:
        return self.box.y + 6

    @property
    def tag_text_x(self) -> float:
        return self.tag_x + 14

    @property
    def tag_text_y(self) -> float:
        return self.tag_y + 12


@dataclass
class OrgChart:
    nodes: list[OrgChartNode]
    links: list[charts.Link]
    width: float
    height: float
    root_count: int


def org_chart(account: Account) -> OrgChart:
    """The reporting tree of everyone in the account (people who left included, shown muted):
    one query, laid out by charts.tree_layout."""
    people = list(account.stakeholders.order_by("name", "pk").values(*CHART_FIELDS))
    layout = charts.tree_layout(charts.TreeItem(p["pk"], p["reports_to_id"]) for p in people)
    roles = dict(BuyingRole.choices)
    names = {p["pk"]: p["name"] for p in people}
    text_width = charts.BOX_WIDTH - 16
    nodes = [
        OrgChartNode(
            box=layout.boxes[p["pk"]],
            pk=p["pk"],
            name=p["name"],
            title=p["title"],
            attitude=p["attitude"],
            buying_role=p["buying_role"],
            role_tag=str(ROLE_TAGS.get(p["buying_role"], "")),
            role_label=str(roles.get(p["buying_role"], "")),
            has_left=p["status"] == StakeholderStatus.LEFT,
            name_label=charts.label_fits(p["name"], text_width - 30, char_width=8.2),
            title_label=charts.label_fits(p["title"], text_width),
            reports_to=names.get(p["reports_to_id"], ""),
        )
        for p in people
    ]
    nodes.sort(key=lambda node: (node.box.depth, node.box.x))
    return OrgChart(
        nodes=nodes,
        links=layout.links,
        width=layout.width,
        height=layout.height,
        root_count=len(layout.roots),
    )


@dataclass(frozen=True)
class GridMarker:
    marker: charts.PlacedMarker
    pk: int
    name: str
    title: str
    attitude: str
    role_tag: str
    label: str

    @property
    def attitude_label(self) -> str:
        return Attitude(self.attitude).label


@dataclass
class PowerGrid:
    layout: charts.GridLayout
    markers: list[GridMarker]
    quadrants: list[dict]
    axis_ticks: dict


def power_grid(account: Account) -> PowerGrid:
    """Active people on the influence-by-involvement grid: one query."""
    people = list(
        account.stakeholders.filter(status=StakeholderStatus.ACTIVE)
        .order_by("-influence", "-involvement", "name", "pk")
        .values("pk", "name", "title", "attitude", "buying_role", "influence", "involvement")
    )
    layout = charts.grid_layout(
        charts.GridPerson(p["pk"], p["influence"], p["involvement"]) for p in people
    )
    markers = [
        GridMarker(
            marker=layout.markers[p["pk"]],
            pk=p["pk"],
            name=p["name"],
            title=p["title"],
            attitude=p["attitude"],
            role_tag=str(ROLE_TAGS.get(p["buying_role"], "")),
            label=charts.label_fits(p["name"], layout.markers[p["pk"]].label_width),
        )
        for p in people
    ]
    left, top = layout.plot_left, layout.plot_top
    right, bottom = left + layout.plot_width, top + layout.plot_height
    corners = {
        charts.Quadrant.KEEP_SATISFIED: (left, top - 10, "start"),
        charts.Quadrant.MANAGE_CLOSELY: (right, top - 10, "end"),
        charts.Quadrant.MONITOR: (left, bottom + 62, "start"),
        charts.Quadrant.KEEP_INFORMED: (right, bottom + 62, "end"),
    }
    quadrants = [
        {"key": key, "label": QUADRANT_LABELS[key], "x": x, "y": y, "anchor": anchor}
        for key, (x, y, anchor) in corners.items()
    ]
    ticks = {
        "x": [(value, layout.columns[value] + charts.CELL_WIDTH / 2) for value in charts.SCALE],
        "y": [(value, layout.rows[value][0] + layout.rows[value][1] / 2) for value in charts.SCALE],
        "plot_right": right,
        "plot_bottom": bottom,
        "x_axis_y": bottom + 16,
        "x_title_x": left + layout.plot_width / 2,
        "x_title_y": bottom + 38,
        "y_title_x": 16,
        "y_title_y": top + layout.plot_height / 2,
        "y_tick_x": left - 10,
    }
    return PowerGrid(layout=layout, markers=markers, quadrants=quadrants, axis_ticks=ticks)


def stakeholder_versions(stakeholder: Stakeholder) -> list:
    """Every version of the person, newest first, each with what it changed."""
    return versions.versions(
        Stakeholder.history.filter(id=stakeholder.pk),
        versions.tracked_fields(Stakeholder),
        compare_url=lambda history_id: reverse(
            "accounts:stakeholder_version",
            args=[stakeholder.account_id, stakeholder.pk, history_id],
        ),
    )
