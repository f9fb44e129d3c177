"""Helpers for subsidy tests: operating workstations, receipts and funded ledgers, written through the services."""

from datetime import date
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile

from subsidies.demo import pdf_bytes, png_bytes
from subsidies.models import Kind
from subsidies.services import entry_record
from tests.factories import WorkstationFactory
from workstations.models import State

DAY = date(2026, 3, 2)


def operating_workstation(host_unit, state=State.ACTIVE, **kwargs):
    kwargs.setdefault("recommender", host_unit.county)
    return WorkstationFactory(host_unit=host_unit, state=state, **kwargs)


def png(name: str = "receipt.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, png_bytes(), content_type="image/png")


def pdf(name: str = "receipt.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, pdf_bytes(), content_type="application/pdf")


def grant(workstation, actor, amount="50000.00", kind=Kind.CITY_GRANT, **kwargs):
    return entry_record(
        workstation=workstation,
        kind=kind,
        amount=Decimal(amount),
        date=kwargs.pop("date", DAY),
        description=kwargs.pop("description", "补助"),
        actor=actor,
        **kwargs,
    )


def spend(workstation, actor, amount, source="city", category="equipment", **kwargs):
    return entry_record(
        workstation=workstation,
        kind=Kind.EXPENDITURE,
        source=source,
        category=category,
        amount=Decimal(amount),
        date=kwargs.pop("date", DAY),
        description=kwargs.pop("description", "购置设备"),
        receipts=kwargs.pop("receipts", None) or [png()],
        actor=actor,
        **kwargs,
    )
