"""The templates a city rolls its counties out from (seed 004: the city sets one pattern and
every county follows it): the bureau's sections and its starting accounts, each account with
its roles and, where it works in one, its section.

Each template seats one administrator per county (`admin`), so the county keeps its own
organisation from the start: the city's administrator who starts the rollout may grant that
role to staff of a county bureau inside the city, and nobody below the city may
(`organisation.rules.may_grant_administrator`, the one rule `organisation.actions.set_roles`
applies on every path)."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from oneseal.organisation.models import Role


@dataclass(frozen=True)
class Seat:
    """A starting account: `key` makes its user name (`<county code>-<key>`)."""

    key: str
    title: str
    roles: tuple[str, ...]
    section: str = ""

    def as_json(self) -> dict:
        return {
            "key": self.key,
            "title": self.title,
            "roles": [str(r) for r in self.roles],
            "section": self.section,
        }


@dataclass(frozen=True)
class Template:
    key: str
    label: object
    sections: tuple[str, ...]
    seats: tuple[Seat, ...]


TEMPLATES: dict[str, Template] = {
    t.key: t
    for t in (
        Template(
            "standard",
            _("标准模板：五科室，局长、系统管理员、目录管理员、综合受理窗口及两名审查人员"),
            ("综合科", "市场准入科", "投资建设科", "社会事务科", "勘验科"),
            (
                Seat("director", "局长", (Role.SIGNATORY,)),
                Seat("admin", "系统管理员", (Role.ADMINISTRATOR,), "综合科"),
                Seat("catalogue", "目录管理员", (Role.CATALOGUE_ADMIN,), "综合科"),
                Seat("window", "综合受理窗口", (Role.CLERK,)),
                Seat("market", "市场准入科审查人员", (Role.REVIEWER,), "市场准入科"),
                Seat("building", "投资建设科审查人员", (Role.REVIEWER,), "投资建设科"),
            ),
        ),
        Template(
            "compact",
            _("精简模板：三科室，局长（兼目录管理员）、系统管理员、综合受理窗口及一名审查人员"),
            ("综合科", "审批一科", "审批二科"),
            (
                Seat("director", "局长", (Role.SIGNATORY, Role.CATALOGUE_ADMIN)),
                Seat("admin", "系统管理员", (Role.ADMINISTRATOR,), "综合科"),
                Seat("window", "综合受理窗口", (Role.CLERK,)),
                Seat("review", "审批一科审查人员", (Role.REVIEWER,), "审批一科"),
            ),
        ),
    )
}


def choices() -> list[tuple[str, object]]:
    return [(t.key, t.label) for t in TEMPLATES.values()]
