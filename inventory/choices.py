from django.db import models
from django.utils.translation import gettext_lazy as _


class DeviceKind(models.TextChoices):
    LAPTOP = "laptop", _("Laptop")
    TABLET = "tablet", _("Tablet")
    CHROMEBOOK = "chromebook", _("Chromebook")
    SMARTPHONE = "smartphone", _("Smartphone")
    DESKTOP = "desktop", _("Desktop computer")
    EID_READER = "eid_reader", _("e-ID card reader")
    MODEM_4G = "modem_4g", _("4G modem")
    ACCESSORY = "accessory", _("Charger or accessory")


class DeviceSource(models.TextChoices):
    DONATED = "donated", _("Donated")
    REFURBISHED = "refurbished", _("Refurbished")
    PURCHASED = "purchased", _("Purchased")


class ConditionGrade(models.TextChoices):
    A = "A", _("A: as new")
    B = "B", _("B: signs of use")
    C = "C", _("C: works, worn")
    PARTS = "parts", _("For parts")


class DeviceStatus(models.TextChoices):
    INTAKE = "intake", _("Intake")
    WIPING = "wiping", _("Being wiped")
    REFURBISHING = "refurbishing", _("Being refurbished")
    AVAILABLE = "available", _("Available")
    ON_LOAN = "on_loan", _("On loan")
    IN_REPAIR = "in_repair", _("In repair")
    RETIRED = "retired", _("Retired")
    LOST = "lost", _("Lost")
    STOLEN = "stolen", _("Stolen")
    RECYCLED = "recycled", _("Recycled")
    GIVEN_AWAY = "given_away", _("Given away")


class DonorKind(models.TextChoices):
    COMPANY = "company", _("Company")
    INDIVIDUAL = "individual", _("Individual")
    PROGRAMME = "programme", _("Programme")


class WipeMethod(models.TextChoices):
    SOFTWARE_OVERWRITE = "overwrite", _("Software overwrite")
    SECURE_ERASE = "secure_erase", _("Secure erase (firmware)")
    CRYPTO_ERASE = "crypto_erase", _("Cryptographic erase")
    FACTORY_RESET = "factory_reset", _("Factory reset (tablet or phone)")
    PHYSICAL = "physical", _("Storage destroyed or replaced")


class RepairOutcome(models.TextChoices):
    PENDING = "pending", _("Pending")
    REPAIRED = "repaired", _("Repaired")
    NOT_REPAIRABLE = "not_repairable", _("Not repairable")
    PARTS_ONLY = "parts_only", _("Kept for parts")
