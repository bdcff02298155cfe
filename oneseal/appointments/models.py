"""Window appointments (预约): halls, their windows grouped by item group, time slots with a
capacity, and applicants' bookings.

A hall is the bureau's service hall (政务服务大厅) or a township service centre. Its windows are
grouped by item group (市场准入, 投资建设, 社会事务 …): a group serves the items it names and
the items of the departments it names. Slots are generated per group for working days only
(calendars), a configurable number of working days ahead. A slot's `booked` counter is
changed only under the slot's row lock (appointments.actions), so a full slot cannot be
overbooked by two people at once.
"""

import datetime
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from oneseal.applicants.models import Applicant
from oneseal.catalogue.models import HandlingItem, Item
from oneseal.organisation.models import Bureau, Department, ServiceCentre
from oneseal.regions.models import Region


class Hall(models.Model):
    bureau = models.ForeignKey(
        Bureau, verbose_name=_("行政审批局"), on_delete=models.PROTECT, related_name="halls"
    )
    service_centre = models.ForeignKey(
        ServiceCentre,
        verbose_name=_("便民服务中心"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="halls",
    )
    region = models.ForeignKey(
        Region, verbose_name=_("所在区划"), on_delete=models.PROTECT, related_name="+"
    )
    # Denormalised for scoping by prefix without a join (organisation.rules.scope_prefix).
    region_code = models.CharField(max_length=12, db_index=True, editable=False)
    name = models.CharField(_("名称"), max_length=100)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    phone = models.CharField(_("咨询电话"), max_length=40, blank=True)
    opens_at = models.TimeField(_("上午开始时间"), default=datetime.time(9, 0))
    lunch_from = models.TimeField(
        _("午休开始时间"), null=True, blank=True, default=datetime.time(12, 0)
    )
    lunch_until = models.TimeField(
        _("午休结束时间"), null=True, blank=True, default=datetime.time(13, 30)
    )
    closes_at = models.TimeField(_("下午结束时间"), default=datetime.time(17, 30))
    slot_minutes = models.PositiveSmallIntegerField(
        _("每个时段（分钟）"),
        default=30,
        validators=[MinValueValidator(10), MaxValueValidator(240)],
    )
    days_ahead = models.PositiveSmallIntegerField(
        _("可提前预约的工作日数"),
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(30)],
    )
    cancel_cutoff_minutes = models.PositiveIntegerField(
        _("取消截止（时段开始前分钟数）"), default=60, validators=[MaxValueValidator(7 * 24 * 60)]
    )
    is_active = models.BooleanField(_("开放预约"), default=True)

    class Meta:
        verbose_name = _("服务大厅")
        verbose_name_plural = _("服务大厅")
        ordering = ["region_code", "id"]
        constraints = [
            models.UniqueConstraint(fields=["bureau", "name"], name="hall_unique_name_per_bureau")
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.region_code = self.region.code
        super().save(*args, **kwargs)


class ItemGroup(models.Model):
    """The windows of a hall that serve one group of items (市场准入, 投资建设, 社会事务 …).
    Items are named by their lasting identity, so a new catalogue version stays in its group."""

    hall = models.ForeignKey(
        Hall, verbose_name=_("服务大厅"), on_delete=models.CASCADE, related_name="groups"
    )
    name = models.CharField(_("名称"), max_length=50)
    windows = models.CharField(_("窗口"), max_length=100, blank=True, help_text=_("如：3—6号窗口"))
    departments = models.ManyToManyField(
        Department, verbose_name=_("受理部门的事项"), blank=True, related_name="+"
    )
    items = models.ManyToManyField(Item, verbose_name=_("事项"), blank=True, related_name="+")
    capacity = models.PositiveSmallIntegerField(
        _("每时段可约人数"), default=2, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    order = models.PositiveIntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("开放预约"), default=True)

    class Meta:
        verbose_name = _("窗口分组")
        verbose_name_plural = _("窗口分组")
        ordering = ["hall", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["hall", "name"], name="item_group_unique_name_per_hall")
        ]

    def __str__(self) -> str:
        return f"{self.hall} · {self.name}"


class Slot(models.Model):
    group = models.ForeignKey(
        ItemGroup, verbose_name=_("窗口分组"), on_delete=models.PROTECT, related_name="slots"
    )
    day = models.DateField(_("日期"))
    starts_at = models.TimeField(_("开始时间"))
    ends_at = models.TimeField(_("结束时间"))
    capacity = models.PositiveSmallIntegerField(_("可约人数"))
    # Active bookings (booked or arrived); changed only under the slot's row lock.
    booked = models.PositiveSmallIntegerField(_("已约人数"), default=0)

    class Meta:
        verbose_name = _("预约时段")
        verbose_name_plural = _("预约时段")
        ordering = ["day", "starts_at", "group"]
        constraints = [
            models.UniqueConstraint(
                fields=["group", "day", "starts_at"], name="slot_unique_start_per_group"
            ),
            models.CheckConstraint(
                condition=Q(booked__lte=models.F("capacity")), name="slot_not_overbooked"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.group} {self.day.isoformat()} {self.starts_at:%H:%M}"

    @property
    def free(self) -> int:
        return max(self.capacity - self.booked, 0)


class Booking(models.Model):
    # Set by the pages that list bookings, never stored: why each button is greyed out.
    cancel_blockers: list[str]
    arrive_blockers: list[str]
    no_show_blockers: list[str]

    class BookingState(models.TextChoices):
        BOOKED = "booked", _("已预约")
        CANCELLED = "cancelled", _("已取消")
        ARRIVED = "arrived", _("已到场")
        NO_SHOW = "no_show", _("未到场")

    ACTIVE = (BookingState.BOOKED, BookingState.ARRIVED)

    code = models.CharField(_("预约码"), max_length=8, unique=True)
    slot = models.ForeignKey(
        Slot, verbose_name=_("预约时段"), on_delete=models.PROTECT, related_name="bookings"
    )
    applicant = models.ForeignKey(
        Applicant, verbose_name=_("申请人"), on_delete=models.PROTECT, related_name="bookings"
    )
    handling_item = models.ForeignKey(
        HandlingItem, verbose_name=_("办理事项"), on_delete=models.PROTECT, related_name="+"
    )
    region_code = models.CharField(max_length=12, db_index=True, editable=False)
    state = models.CharField(
        _("状态"), max_length=16, choices=BookingState.choices, default=BookingState.BOOKED
    )
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("预约账号"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    booked_at = models.DateTimeField(_("预约时间"), auto_now_add=True)
    cancelled_at = models.DateTimeField(_("取消时间"), null=True, blank=True)
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    marked_at = models.DateTimeField(_("登记时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("预约")
        verbose_name_plural = _("预约")
        ordering = ["slot__day", "slot__starts_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["slot", "applicant"],
                condition=Q(state__in=["booked", "arrived"]),
                name="booking_one_active_per_applicant_and_slot",
            ),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def is_active(self) -> bool:
        return self.state in self.ACTIVE
