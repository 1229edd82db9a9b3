"""core.ports: a lower floor calls what a higher floor provides, in the same transaction, or fails loudly."""

import pytest

from core import ports
from core.ports import Port, PortNotProvided


def test_every_port_is_provided_once_the_apps_are_ready():
    declared = [value for value in vars(ports).values() if isinstance(value, Port)]
    assert {port.name for port in declared} == {"sms_queue", "sms_reply_consent", "consent_note_change"}
    assert all(port.provided for port in declared), [port for port in declared if not port.provided]


def test_a_port_passes_its_arguments_and_returns_the_answer():
    port = Port("double", provided_by="tests")
    port.provide(lambda *, value: value * 2)
    assert port(value=21) == 42


def test_a_port_nobody_provides_fails_naming_itself_and_its_provider():
    port = Port("sms_queue", provided_by="messaging")
    with pytest.raises(PortNotProvided, match="sms_queue: messaging is not installed"):
        port(template="loan_confirmation")


def test_a_port_takes_keyword_arguments_only():
    port = Port("double", provided_by="tests")
    port.provide(lambda *, value: value * 2)
    with pytest.raises(TypeError):
        port(21)
