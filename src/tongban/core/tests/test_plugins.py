import pytest
from pydantic import BaseModel

from tongban.core.errors import ConfigError
from tongban.core.plugins import Plugin, Registry


class Greeter(Plugin):
    def greet(self) -> str:
        raise NotImplementedError


class GreeterOptions(BaseModel):
    name: str


greeters: Registry[Greeter] = Registry("test_greeter")


@greeters.register("real")
class RealGreeter(Greeter):
    options_model = GreeterOptions

    def greet(self) -> str:
        return f"你好，{self.options.name}"


@greeters.register("demo")
class DemoGreeter(Greeter):
    demo = True

    def greet(self) -> str:
        return "demo"


def test_load_uses_typed_options():
    assert greeters.load("real", {"name": "张三"}).greet() == "你好，张三"


def test_invalid_options_are_a_config_error():
    with pytest.raises(ConfigError):
        greeters.load("real", {})


def test_unknown_plugin_names_the_known_ones():
    with pytest.raises(ConfigError) as exc:
        greeters.load("nope")
    assert "demo, real" in exc.value.message_en


def test_demo_plugins_are_refused_in_production(settings):
    settings.DEMO_MODE = False
    with pytest.raises(ConfigError) as exc:
        greeters.load("demo")
    assert "production" in exc.value.message_en


def test_demo_plugins_load_in_demo_mode(settings):
    settings.DEMO_MODE = True
    assert greeters.load("demo").greet() == "demo"


def test_registering_an_id_twice_is_refused():
    with pytest.raises(ValueError):
        greeters.register("real")(RealGreeter)
