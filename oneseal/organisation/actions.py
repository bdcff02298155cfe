"""Changes to the organisation: bureaus, departments, sections, service centres, staff and
their roles (who may accept, review, sign …). Each is one transaction with a permission check
and an audit row, whether it comes from the Django admin, the demo or a command.

Who may: an administrator (role `administrator`) of a region at or above the object's region,
or a superuser. The accounts come first: `create_account` opens a sign-in account for someone an
administrator is about to place as staff; `create_outside_account` is the same account, without
a place or a role, for someone another app's action lets in (a drawn expert, an intermediary);
`create_superuser` makes the installation's superuser,
which on an empty install nobody can grant, so the installing command says `system=True`. Roles are the keys to every other action, so three rules hold here:
nobody changes their own roles; only a superuser grants or withdraws the administrator role,
save that a city's administrator may do so for staff of a county bureau inside the city
(`rules.may_grant_administrator`, so a city's rollout seats each county's own administrator);
and a role is given only to staff placed where it can be exercised (`role_blockers`).
"""

from collections.abc import Iterable
from typing import Any, TypeVar

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import identify_hasher, make_password
from django.contrib.auth.models import AbstractUser
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Field, Model
from django.utils.translation import gettext as _

from oneseal.actors import Actor, acts_as_system
from oneseal.audit.actions import record
from oneseal.errors import NotPermitted, ValidationFailed
from oneseal.regions.models import Region

from . import grant_checks
from .models import Bureau, Department, Role, Section, ServiceCentre, Staff, StaffRole
from .rules import has_role, may_grant_administrator

# Roles that act on cases or the catalogue; an overseer only reads and holds none of them.
_Saved = TypeVar("_Saved", bound=Model)

ACTING_ROLES = {Role.CLERK, Role.REVIEWER, Role.SIGNATORY, Role.SUPERVISOR, Role.CATALOGUE_ADMIN}
# Roles whose work is done in the Django admin: the organisation (staff, roles, sections),
# handling items and materials, retention rules. Holding one lets the account into the admin.
ADMIN_SITE_ROLES = frozenset({Role.ADMINISTRATOR, Role.CATALOGUE_ADMIN, Role.ARCHIVIST})


def require_administrator(actor: Actor, region: Region) -> None:
    if not has_role(actor, Role.ADMINISTRATOR, region):
        raise NotPermitted()


def _value(obj: Model, name: str) -> int | bool | str | None:
    field = obj._meta.get_field(name)
    assert isinstance(field, Field)  # the names are the models' own concrete fields
    value = getattr(obj, field.attname)
    return value if value is None or isinstance(value, (int, bool)) else str(value)


def _changes(obj: Model, fields: list[str]) -> dict[str, list[Any]]:
    """Field → [old, new] for what a save changes (every field, for a new object)."""
    old = type(obj)._default_manager.filter(pk=obj.pk).first() if obj.pk else None
    return {
        name: [_value(old, name) if old else None, _value(obj, name)]
        for name in fields
        if old is None or _value(old, name) != _value(obj, name)
    }


def _clean(obj: Model, exclude: list[str] | None = None) -> None:
    try:
        obj.full_clean(exclude=exclude, validate_unique=True)
    except ValidationError as error:
        raise ValidationFailed(
            fields={k: [str(m) for m in v] for k, v in error.message_dict.items()}
        ) from error


def _save(
    obj: _Saved,
    *,
    actor: Actor,
    region: Region | None,
    action: str,
    fields: list[str],
    summary: str,
) -> _Saved:
    if region is None:
        _clean(obj)  # the missing field is named
        raise ValidationFailed()
    require_administrator(actor, region)
    _clean(obj)
    changes = _changes(obj, fields)
    created = obj.pk is None
    if not changes and not created:
        return obj
    obj.save()
    record(
        action,
        actor=actor,
        subject=obj,
        region_code=region.code,
        summary=summary,
        data={"created": created, "fields": changes},
    )
    return obj


@transaction.atomic
def save_bureau(bureau: Bureau, *, actor: Actor) -> Bureau:
    return _save(
        bureau,
        actor=actor,
        region=bureau.region if bureau.region_id else None,
        action="organisation.save_bureau",
        fields=[
            "region",
            "name",
            "credit_code",
            "address",
            "phone",
            "complaint_phone",
            "established_on",
        ],
        summary=bureau.name,
    )


@transaction.atomic
def save_department(department: Department, *, actor: Actor) -> Department:
    return _save(
        department,
        actor=actor,
        region=department.region if department.region_id else None,
        action="organisation.save_department",
        fields=["region", "name", "short_name", "code", "phone", "order"],
        summary=department.name,
    )


@transaction.atomic
def save_section(section: Section, *, actor: Actor) -> Section:
    bureau = section.bureau if section.bureau_id else None
    return _save(
        section,
        actor=actor,
        region=bureau.region if bureau else None,
        action="organisation.save_section",
        fields=["bureau", "name"],
        summary=f"{bureau.name if bureau else ''} {section.name}",
    )


@transaction.atomic
def save_service_centre(centre: ServiceCentre, *, actor: Actor) -> ServiceCentre:
    if centre.bureau_id and centre.region_id and not centre.bureau.region.contains(centre.region):
        raise ValidationFailed(fields={"region": [_("便民服务中心须在委托机关的辖区内")]})
    return _save(
        centre,
        actor=actor,
        region=centre.region if centre.region_id else None,
        action="organisation.save_service_centre",
        fields=["region", "bureau", "name", "address", "phone"],
        summary=centre.name,
    )


STAFF_FIELDS = [
    "user",
    "region",
    "bureau",
    "department",
    "section",
    "service_centre",
    "display_name",
    "phone",
]


def staff_blockers(staff: Staff) -> dict[str, list[str]]:
    """Where a staff member may be placed: a section inside their bureau, a bureau, department
    and service centre inside their region scope."""
    errors: dict[str, list[str]] = {}
    section = staff.section if staff.section_id else None
    if section is not None and section.bureau_id != staff.bureau_id:
        errors["section"] = [_("审批科室须属于该工作人员所在的行政审批局")]
    for name in ("bureau", "department", "service_centre"):
        placed = getattr(staff, name)
        if placed is not None and not staff.region.contains(placed.region):
            errors[name] = [_("须在该工作人员的管辖区划内")]
    return errors


@transaction.atomic
def save_staff(staff: Staff, *, actor: Actor) -> Staff:
    """Create or move a staff member (their region scope and place). Moving someone out of
    what their roles need is refused: withdraw the role first."""
    if not staff.region_id:
        raise ValidationFailed(fields={"region": [_("请选择管辖区划")]})
    require_administrator(actor, staff.region)
    if staff.pk:
        old = Staff.objects.select_for_update().select_related("region").get(pk=staff.pk)
        require_administrator(actor, old.region)  # nobody takes staff from outside their scope
        if (
            staff.user_id == getattr(actor, "pk", None)
            and not getattr(actor, "is_superuser", False)
            and (old.region_id, old.bureau_id) != (staff.region_id, staff.bureau_id)
        ):
            raise NotPermitted(_("不能更改自己的管辖区划或所在单位"))
        if (old.region_id, old.bureau_id) != (staff.region_id, staff.bureau_id) and (
            StaffRole.objects.filter(staff=staff, role=Role.ADMINISTRATOR).exists()
        ):
            # Moving an administrator is granting the role where they land: else a city's
            # administrator could seat one in a county bureau, then move them to the city.
            old.bureau = old.bureau if old.bureau_id else None
            if not (may_grant_administrator(actor, old) and may_grant_administrator(actor, staff)):
                raise NotPermitted(
                    _("系统管理员的调动只能由有权授予该角色的管理员办理，请先撤销其系统管理员角色")
                )
    _clean(staff)
    errors = staff_blockers(staff)
    if staff.pk:
        for role in StaffRole.objects.filter(staff=staff).values_list("role", flat=True):
            for field, reasons in role_blockers(staff, role).items():
                errors.setdefault(field, []).extend(reasons)
    if errors:
        raise ValidationFailed(fields=errors)
    changes = _changes(staff, STAFF_FIELDS)
    created = staff.pk is None
    if not changes and not created:
        return staff
    staff.save()
    if "user" in changes and not created:
        # The record's roles go with it to its new account: the account it leaves holds none.
        roles = set(StaffRole.objects.filter(staff=staff).values_list("role", flat=True))
        gone = get_user_model().objects.select_for_update().get(pk=changes["user"][0])
        _follow_admin_site(gone, set(), staff=staff, actor=actor)
        _follow_admin_site(staff.user, roles, staff=staff, actor=actor)
    record(
        "organisation.save_staff",
        actor=actor,
        subject=staff,
        region_code=staff.region.code,
        summary=staff.display_name,
        data={"created": created, "fields": changes},
    )
    return staff


def role_blockers(staff: Staff, role: str) -> dict[str, list[str]]:
    """What keeps `staff` from holding `role`, by field."""
    label = Role(role).label
    if role in (Role.REVIEWER, Role.SIGNATORY, Role.CATALOGUE_ADMIN) and not staff.bureau_id:
        return {"bureau": [_("“{role}”须为行政审批局工作人员").format(role=label)]}
    if role == Role.CLERK and not (staff.bureau_id or staff.service_centre_id):
        return {"bureau": [_("“{role}”须为行政审批局或便民服务中心工作人员").format(role=label)]}
    if role == Role.SUPERVISOR and not staff.department_id:
        return {"department": [_("“{role}”须为行业主管部门工作人员").format(role=label)]}
    return {}


@transaction.atomic
def set_roles(staff: Staff, roles: Iterable[str], *, actor: Actor) -> list[str]:
    """Give `staff` exactly `roles`: one audit row per role granted or withdrawn. Returns the
    roles now held."""
    given = staff
    staff = (
        Staff.objects.select_for_update(of=("self",))
        .select_related("region", "user", "bureau")
        .get(pk=staff.pk)
    )
    require_administrator(actor, staff.region)
    wanted: set[str] = set()
    for role in roles:
        if role not in Role.values:
            raise ValidationFailed(fields={"roles": [_("没有“{role}”这个角色").format(role=role)]})
        wanted.add(role)
    held = set(StaffRole.objects.filter(staff=staff).values_list("role", flat=True))
    if wanted == held:
        # Saving the roles unchanged still mends an admin flag set by hand (the superuser's
        # user page): the roles decide it.
        _follow_admin_site(staff.user, wanted, staff=staff, actor=actor)
        return sorted(held)
    if staff.user_id == getattr(actor, "pk", None):
        raise NotPermitted(_("不能更改自己的角色，请由其他管理员办理"))
    if Role.ADMINISTRATOR in (wanted ^ held) and not may_grant_administrator(actor, staff):
        raise NotPermitted(
            _(
                "系统管理员角色只能由超级管理员授予或撤销；市级系统管理员仅可为本市所辖县级行政审批局人员授予或撤销"
            )
        )
    if Role.OVERSEER in wanted and wanted & ACTING_ROLES:
        raise ValidationFailed(
            fields={"roles": [_("改革办／领导／纪检监察为只读角色，不能同时担任办理角色")]}
        )
    errors: dict[str, list[str]] = {}
    for role in sorted(wanted - held):
        for field, reasons in role_blockers(staff, role).items():
            errors.setdefault(field, []).extend(reasons)
        for field, reasons in grant_checks.grant_blockers(staff, role).items():
            errors.setdefault(field, []).extend(reasons)
    if errors:
        raise ValidationFailed(fields=errors)
    for role in sorted(wanted - held):
        StaffRole.objects.create(staff=staff, role=role)
        record(
            "organisation.grant_role",
            actor=actor,
            subject=staff,
            region_code=staff.region.code,
            summary=_("{name}：授予“{role}”").format(
                name=staff.display_name, role=Role(role).label
            ),
            data={"role": role, "user": staff.user_id},
        )
    for role in sorted(held - wanted):
        StaffRole.objects.filter(staff=staff, role=role).delete()
        record(
            "organisation.withdraw_role",
            actor=actor,
            subject=staff,
            region_code=staff.region.code,
            summary=_("{name}：撤销“{role}”").format(
                name=staff.display_name, role=Role(role).label
            ),
            data={"role": role, "user": staff.user_id},
        )
    _follow_admin_site(staff.user, wanted, staff=staff, actor=actor)
    _forget_roles(given)
    return sorted(wanted)


def _forget_roles(staff: Staff) -> None:
    """Roles are read once per request, onto the user (`rules.keep_staff`) and its record
    (`Staff.known_roles`); the next request reads them afresh, in every process. Only the
    objects the caller holds can still know the old roles: the record it gave and the user
    loaded with it drop what they knew, so a role withdrawn is refused to them at once too."""
    staff.known_roles = None
    user = staff._state.fields_cache.get("user")
    if user is not None:
        user.__dict__.pop("_oneseal_staff", None)
        user._state.fields_cache.pop("staff", None)  # `user.staff`, which the layouts read


def _follow_admin_site(user: Any, roles: set[str], *, staff: Staff, actor: Actor) -> None:
    """The admin is where an administrator keeps staff and roles and a catalogue administrator
    the handling items: an account is let in exactly while its staff record holds such a role
    (`roles`), so granting one lets it in and withdrawing the last one shuts it out again (a
    superuser stays). Only the roles set the flag (`set_roles`, and `save_staff` when a record
    changes its account): no account is opened with it, none keeps it without a role. Django
    reads the flag afresh on each request, so the change holds from the next one."""
    needs = bool(roles & ADMIN_SITE_ROLES)
    if needs == user.is_staff or (not needs and user.is_superuser):
        return
    user.is_staff = needs
    user.save(update_fields=["is_staff"])
    record(
        "organisation.admin_site",
        actor=actor,
        subject=staff,
        region_code=staff.region.code,
        summary=(_("{name}：可进入管理后台") if needs else _("{name}：不再进入管理后台")).format(
            name=staff.display_name
        ),
        data={"admin_site": needs, "user": staff.user_id},
    )


@transaction.atomic
def save_staff_and_roles(staff: Staff, roles: Iterable[str], *, actor: Actor) -> Staff:
    """The staff page's one save: the member and their roles together, so a role refused
    leaves no member saved without it."""
    staff = save_staff(staff, actor=actor)
    set_roles(staff, roles, actor=actor)
    return staff


def _save_new_user(user: Model) -> None:
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:  # the same name taken by someone else a moment ago
        raise ValidationFailed(fields={"username": [_("该用户名已被使用，请换一个")]}) from None


def _new_user(
    *,
    username: str,
    display_name: str,
    password: str,
    encoded_password: str,
    validate: bool = False,
    unusable_password: bool = False,
    **flags: bool,
) -> AbstractUser:
    """An unsaved user, every problem named by its field. `encoded_password` is a hash made by
    `make_password` (the demo hashes its one shared password once: hashing is slow by design).
    `validate`: the password must pass the installation's password validators.
    `unusable_password`: nobody can sign in until the person sets their own password through a
    one-time link (`transfers.accounts`), so no default password is ever handed out."""
    User = get_user_model()
    errors: dict[str, list[str]] = {}
    username = (username or "").strip()
    if not username:
        errors["username"] = [_("请填写用户名")]
    else:
        try:
            User._meta.get_field("username").run_validators(username)
        except ValidationError as error:
            errors["username"] = list(error.messages)
        else:
            if User.objects.filter(username__iexact=username).exists():
                errors["username"] = [_("该用户名已被使用，请换一个")]
    if not (display_name or "").strip():
        errors["display_name"] = [_("请填写姓名")]
    if unusable_password:
        encoded_password, password = make_password(None), ""
    elif encoded_password:
        try:
            identify_hasher(encoded_password)
        except ValueError:
            errors["password"] = [_("请设置密码")]
    elif not password:
        errors["password"] = [_("请设置密码")]
    elif validate:
        try:
            validate_password(password, User(username=username, first_name=display_name))
        except ValidationError as error:
            errors["password"] = list(error.messages)
    if errors:
        raise ValidationFailed(fields=errors)
    return User(
        username=username,
        first_name=display_name.strip()[:150],
        password=encoded_password or make_password(password),
        **flags,
    )


@transaction.atomic
def create_superuser(
    *,
    username: str,
    display_name: str,
    password: str = "",
    encoded_password: str = "",
    actor: Actor | None = None,
    system: bool = False,
) -> AbstractUser:
    """The installation's superuser, who runs the installation and appoints the regions'
    administrators. An active superuser may make another; on an empty install there is none,
    and only the installing command (or the demo) may say `system=True` for itself."""
    if not acts_as_system(actor, system=system) and not (
        actor is not None and getattr(actor, "is_superuser", False) and actor.is_active
    ):
        raise NotPermitted(_("只有超级管理员可以设立超级管理员"))
    user = _new_user(
        username=username,
        display_name=display_name,
        password=password,
        encoded_password=encoded_password,
        is_staff=True,
        is_superuser=True,
    )
    _save_new_user(user)
    record(
        "organisation.create_superuser",
        actor=None if system else actor,
        subject=user,
        summary=user.first_name,
        data={"username": user.username, "system": system},
    )
    return user


def create_outside_account(
    *, username: str, display_name: str, password: str = "", encoded_password: str = ""
) -> AbstractUser:
    """A sign-in account, saved, for someone outside the bureau whom the system lets in on their
    own business (a drawn expert, an intermediary): no staff record, no role, no admin site.
    They keep the password they are given, so it must pass the password validators. A building
    block, not an action: the calling app's action checks who may open the account and records
    its own audit row, in its transaction. `encoded_password` is for the demo, which hashes its
    one shared password once."""
    user = _new_user(
        username=username,
        display_name=display_name,
        password=password,
        encoded_password=encoded_password,
        validate=True,
    )
    _save_new_user(user)
    return user


@transaction.atomic
def create_account(
    *,
    actor: Actor,
    region: Region,
    username: str,
    display_name: str,
    password: str = "",
    encoded_password: str = "",
    unusable_password: bool = False,
) -> AbstractUser:
    """A sign-in account for someone an administrator of `region` is about to place there as
    staff (`save_staff`, then `set_roles`). Never let into the Django admin here: the roles
    that are worked there do that (`set_roles`)."""
    require_administrator(actor, region)
    user = _new_user(
        username=username,
        display_name=display_name,
        password=password,
        encoded_password=encoded_password,
        unusable_password=unusable_password,
    )
    _save_new_user(user)
    record(
        "organisation.create_account",
        actor=actor,
        subject=user,
        region_code=region.code,
        summary=user.first_name,
        data={"username": user.username},
    )
    return user
