"""One plugin mechanism for every extension point (after Open Forms' registries).

    sms_senders = Registry[SmsSender]("sms_sender")

    @sms_senders.register("demo-outbox")
    class DemoOutboxSender(SmsSender): ...

`Registry.load()` picks the implementation named in settings.PLUGINS[<registry name>] and refuses
plugins marked `demo = True` unless the platform runs in demo mode.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar, Generic, TypeVar

from django.conf import settings
from pydantic import BaseModel, ValidationError

from tongban.core.errors import ConfigError


class Plugin:
    """Base of every plugin: typed options and a configuration check operators can run."""

    label: ClassVar[str] = ""
    demo: ClassVar[bool] = False  # a demo implementation; production settings refuse it
    options_model: ClassVar[type[BaseModel] | None] = None

    plugin_id: ClassVar[str] = ""

    def __init__(self, options: dict[str, Any] | None = None) -> None:
        if self.options_model is not None:
            try:
                self.options = self.options_model.model_validate(options or {})
            except ValidationError as exc:
                raise ConfigError(
                    f"插件 {self.plugin_id} 配置无效：{exc}", f"Plugin {self.plugin_id} options are invalid: {exc}"
                ) from exc

    def check_config(self) -> None:
        """Raise ConfigError with a reason operators can act on; default: nothing to check."""


P = TypeVar("P", bound=Plugin)

all_registries: dict[str, Registry[Any]] = {}


class Registry(Generic[P]):
    def __init__(self, name: str) -> None:
        self.name = name
        self._plugins: dict[str, type[P]] = {}
        all_registries[name] = self

    def register(self, plugin_id: str) -> Callable[[type[P]], type[P]]:
        def decorator(cls: type[P]) -> type[P]:
            if plugin_id in self._plugins:
                raise ValueError(f"{self.name}: plugin {plugin_id!r} registered twice")
            cls.plugin_id = plugin_id
            self._plugins[plugin_id] = cls
            return cls

        return decorator

    def ids(self) -> list[str]:
        return sorted(self._plugins)

    def get_class(self, plugin_id: str) -> type[P]:
        try:
            return self._plugins[plugin_id]
        except KeyError:
            raise ConfigError(
                f"{self.name} 插件 {plugin_id!r} 不存在（可选：{', '.join(self.ids())}）",
                f"No {self.name} plugin {plugin_id!r} (known: {', '.join(self.ids())})",
            ) from None

    def load(self, plugin_id: str | None = None, options: dict[str, Any] | None = None) -> P:
        """Instantiate the configured plugin, refusing demo plugins outside demo mode."""
        chosen = plugin_id or settings.PLUGINS.get(self.name, "")
        if not chosen:
            raise ConfigError(
                f"未配置 {self.name} 插件", f"No {self.name} plugin configured (settings PLUGINS[{self.name!r}])"
            )
        cls = self.get_class(chosen)
        if cls.demo and not settings.DEMO_MODE:
            raise ConfigError(
                f"演示插件 {chosen} 不能在生产环境使用", f"Demo plugin {chosen} is refused in production mode"
            )
        return cls(options)
