"""Demo devices for the three demo organisations: the day centre's nine laptops, De Schakel's tablets,
Ligo's Chromebooks and 4G modems, in various statuses, each moved through the real services."""

import datetime
from decimal import Decimal

from .choices import ConditionGrade, DeviceKind, DeviceSource, DonorKind, RepairOutcome, WipeMethod
from .models import Device, Donor
from .services import device_create, device_transition, repair_ticket_create, wipe_record_create

# (kind, make, model, source, condition, path of actions after intake)
SHELVE = ["start_wipe", "start_refurbish", "make_available"]
DEVICES = {
    "daycentre": {
        "admin": "demo-dt-admin",
        "donor": ("Digital for Youth (demo)", DonorKind.PROGRAMME),
        "location": "Computer room",
        "devices": [
            *[(DeviceKind.LAPTOP, "Lenovo", "ThinkPad T480", DeviceSource.REFURBISHED, ConditionGrade.A, SHELVE)] * 6,
            (DeviceKind.LAPTOP, "Lenovo", "ThinkPad T480", DeviceSource.REFURBISHED, ConditionGrade.B, ["start_wipe"]),
            (
                DeviceKind.LAPTOP,
                "Dell",
                "Latitude 5490",
                DeviceSource.REFURBISHED,
                ConditionGrade.C,
                [*SHELVE, "send_to_repair"],
            ),
            (DeviceKind.LAPTOP, "Dell", "Latitude 5490", DeviceSource.DONATED, ConditionGrade.B, []),
            (DeviceKind.EID_READER, "ACS", "ACR39U", DeviceSource.PURCHASED, ConditionGrade.A, ["make_available"]),
            (DeviceKind.EID_READER, "ACS", "ACR39U", DeviceSource.PURCHASED, ConditionGrade.A, ["make_available"]),
        ],
    },
    "neighbourhood": {
        "admin": "demo-ds-admin",
        "donor": ("Buurtbewoners (demo)", DonorKind.INDIVIDUAL),
        "location": "Tablet cupboard",
        "devices": [
            *[
                (
                    DeviceKind.TABLET,
                    "Samsung",
                    "Galaxy Tab A8",
                    DeviceSource.PURCHASED,
                    ConditionGrade.A,
                    ["make_available"],
                )
            ]
            * 5,
            (DeviceKind.TABLET, "Apple", "iPad (6th gen)", DeviceSource.DONATED, ConditionGrade.B, SHELVE),
            (DeviceKind.TABLET, "Apple", "iPad (5th gen)", DeviceSource.DONATED, ConditionGrade.C, ["start_wipe"]),
            (DeviceKind.TABLET, "Lenovo", "Tab M10", DeviceSource.DONATED, ConditionGrade.PARTS, ["retire"]),
            (DeviceKind.SMARTPHONE, "Samsung", "Galaxy A12", DeviceSource.DONATED, ConditionGrade.B, []),
        ],
    },
    "adulted": {
        "admin": "demo-lb-admin",
        "donor": None,
        "location": "Classroom 2",
        "devices": [
            *[
                (
                    DeviceKind.CHROMEBOOK,
                    "Acer",
                    "Chromebook 314",
                    DeviceSource.PURCHASED,
                    ConditionGrade.A,
                    ["make_available"],
                )
            ]
            * 6,
            (
                DeviceKind.CHROMEBOOK,
                "HP",
                "Chromebook 14",
                DeviceSource.REFURBISHED,
                ConditionGrade.B,
                ["start_refurbish"],
            ),
            *[(DeviceKind.MODEM_4G, "Huawei", "E5576", DeviceSource.PURCHASED, ConditionGrade.A, ["make_available"])]
            * 4,
        ],
    },
}


def load(context: dict) -> None:
    today = datetime.date.today()
    context["devices"] = {}
    for key, spec in DEVICES.items():
        organization = context["organizations"][key]
        grant = context.get("grants", {}).get(key)
        admin = context["users"][spec["admin"]]
        donor = None
        if spec["donor"]:
            name, kind = spec["donor"]
            donor = Donor.objects.create(organization=organization, name=name, kind=kind)
        devices = []
        for number, (kind, make, model, source, condition, actions) in enumerate(spec["devices"], start=1):
            device = device_create(
                device=Device(
                    organization=organization,
                    kind=kind,
                    make=make,
                    model=model,
                    serial=f"{organization.short_code}DEMO{number:04d}",
                    source=source,
                    donor=donor if source != DeviceSource.PURCHASED else None,
                    grant=grant,
                    condition=condition,
                    location=spec["location"],
                    value=Decimal("180.00") if kind in (DeviceKind.LAPTOP, DeviceKind.CHROMEBOOK) else None,
                    intake_date=today - datetime.timedelta(days=60 - number),
                    accessories="charger" if kind != DeviceKind.EID_READER else "",
                ),
                by=admin,
            )
            for action in actions:
                if action == "make_available" and source != DeviceSource.PURCHASED:
                    wipe_record_create(
                        device=device,
                        by=admin,
                        method=WipeMethod.FACTORY_RESET if kind == DeviceKind.TABLET else WipeMethod.SOFTWARE_OVERWRITE,
                        tool="" if kind == DeviceKind.TABLET else "nwipe 0.34",
                        wiped_on=today - datetime.timedelta(days=30),
                        operator="Refurb volunteer (demo)",
                        certificate_reference=f"WIPE-{device.asset_tag}",
                    )
                if action == "send_to_repair":
                    repair_ticket_create(
                        device=device,
                        by=admin,
                        partner="Repair Café (demo)",
                        problem="Keyboard keys missing",
                        sent_on=today - datetime.timedelta(days=5),
                        cost=Decimal("35.00"),
                        outcome=RepairOutcome.PENDING,
                    )
                device_transition(device=device, action=action, by=admin, note="demo")
            devices.append(device)
        context["devices"][key] = devices
