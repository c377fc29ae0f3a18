"""KeyFooter: the line of key bindings at the bottom of a screen, drawn by one widget.

Textual's ``Footer`` mounts a ``FooterKey`` widget per binding, after the first frame and
again whenever the bindings change; on coinsole's screens that cost ~30 ms at start and
on every screen's first showing. :class:`KeyFooter` draws the same line itself: the same
keys, order, styles (as theme variables), hover look, tooltips, clicks and the command
palette key docked at the right, with nothing mounted per key.
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import groupby
from typing import TYPE_CHECKING, NamedTuple

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style as RichStyle
from textual import events
from textual._border import get_box  # Textual's own drawing of a border edge
from textual.binding import Binding
from textual.color import Color
from textual.geometry import Spacing
from textual.strip import Strip
from textual.style import Style
from textual.widget import Widget

if TYPE_CHECKING:
    from textual.css.styles import StylesBase
    from textual.screen import Screen

__all__ = ["KeyFooter"]

_KEY, _GROUPED, _LABEL, _PALETTE = "key", "grouped", "label", "palette"

FIRST_ACTIONS: tuple[str, ...] = ("unlock_vault",)
"""Actions listed before every other key when shown (the footer may be cut at the right:
unlocking is what a locked screen needs most)."""

SCREEN_FIRST_ATTRIBUTE = "FOOTER_FIRST"
"""A screen's class attribute naming its own actions to list next, before the focused
widget's keys (a table's sort/filter/export), so they are not cut at 80 columns."""


class _Item(NamedTuple):
    """One thing the footer shows: a key (with or without its description), a group's
    label, or the command palette's key."""

    kind: str
    key: str
    display: str
    description: str
    enabled: bool
    tooltip: str
    group: int = 0
    """Grouped keys: which run of one binding group they belong to (counted from 1)."""
    compact: bool = False
    """Grouped keys: is their group compact (keys side by side)?"""


class _Placed(NamedTuple):
    """An item and the cells it covers: from ``x``, ``width`` cells (its padding and
    border included, its margins not)."""

    item: _Item
    x: int
    width: int


class _Look(NamedTuple):
    """How an item in one state (kind, hover, enabled) is drawn."""

    parts: dict[str | None, Style]
    """The style of each text run, by component class (None: a group label)."""
    inner: RichStyle
    """The style of the palette key's padding."""
    edge: Segment | None
    """The palette key's left border, if it has one."""


# What Footer's CSS sets apart from the theme: the palette key keeps FooterKey's compact
# look, and the spacing of binding groups (KeyGroup, FooterLabel).
_PALETTE_KEY_PADDING = Spacing(0, 0, 0, 0)
_PALETTE_DESCRIPTION_PADDING = Spacing(0, 0, 0, 1)
_GROUPED_KEY_MARGIN = Spacing(0, 1, 0, 1)
_COMPACT_GROUP_PADDING = Spacing(0, 0, 0, 1)
_COMPACT_GROUP_MARGIN = Spacing(0, 1, 0, 0)
_GROUP_LABEL_MARGIN = Spacing(0, 1, 0, 0)


def _layer_styles(layers: Iterable[StylesBase]) -> tuple[RichStyle, Style, Color]:
    """The Rich style, visual style and background a node stacked on ``layers`` gets.

    The same composition as Textual's ``DOMNode.rich_style`` and ``Widget.visual_style``
    over a node's ancestors, so a layer of component styles looks like a child widget.
    """
    background = Color(0, 0, 0, 0)
    color = Color(255, 255, 255, 0)
    style = RichStyle()
    opacity = 1.0
    for styles in layers:
        has_rule = styles.has_rule
        opacity *= styles.opacity
        if has_rule("background"):
            layer_background = styles.background.tint(styles.background_tint)
            text_background = background + layer_background
            background += layer_background.multiply_alpha(opacity)
        else:
            text_background = background
        if has_rule("color"):
            color = styles.color
        style += styles.text_style
        if has_rule("auto_color") and styles.auto_color:
            color = text_background.get_contrast_text(color.a)
    rich_style = style + RichStyle.from_color(
        (background + color).rich_color if (background.a or color.a) else None,
        background.rich_color if background.a else None,
    )
    visual_style = Style(background, color, bold=style.bold, dim=style.dim,
                         italic=style.italic, reverse=style.reverse,
                         underline=style.underline, strike=style.strike)
    return rich_style, visual_style, background


class KeyFooter(Widget, can_focus=False):
    """The screen's shown key bindings on one line, like Textual's ``Footer`` (not
    compact, command palette key shown) but drawn by this one widget.

    A click on a key presses it (an unavailable key rings the bell); the key under the
    mouse is highlighted and its tooltip shown. Keys that do not fit are cut at the
    right edge; the palette key stays at the right.
    """

    ALLOW_SELECT = False

    COMPONENT_CLASSES = {
        "key-footer--item",
        "key-footer--item-hover",
        "key-footer--item-disabled",
        "key-footer--key",
        "key-footer--description",
        "key-footer--palette",
    }

    DEFAULT_CSS = """
    KeyFooter {
        dock: bottom;
        width: 1fr;
        height: 1;
        color: $footer-foreground;
        background: $footer-background;
        .key-footer--item {
            background: $footer-item-background;
        }
        .key-footer--item-hover {
            color: $footer-key-foreground;
            background: $block-hover-background;
        }
        .key-footer--item-disabled {
            text-style: dim;
        }
        .key-footer--key {
            color: $footer-key-foreground;
            background: $footer-key-background;
            text-style: bold;
            padding: 0 1;
        }
        .key-footer--description {
            padding: 0 1 0 0;
            color: $footer-description-foreground;
            background: $footer-description-background;
        }
        .key-footer--palette {
            padding-right: 1;
            border-left: vkey $foreground 20%;
        }
    }
    """

    def __init__(self, *, show_command_palette: bool = True, name: str | None = None,
                 id: str | None = None, classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.show_command_palette = show_command_palette
        """Show the command palette's key at the right?"""
        self._items: tuple[_Item, ...] | None = None
        self._layout: tuple[int, tuple[_Placed, ...]] | None = None
        self._line: tuple[tuple[object, ...], Strip] | None = None
        self._looks: dict[tuple[str, bool, bool], _Look] = {}
        self._mouse_x: int | None = None
        self._hovered: _Placed | None = None

    def on_mount(self) -> None:
        """Follow the screen's bindings."""
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def on_unmount(self) -> None:
        """Stop following the screen's bindings."""
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen: Screen) -> None:
        # Like Footer: an app without focus keeps the keys it showed.
        if not screen.app.app_focus or not self.is_attached or screen is not self.screen:
            return
        items = tuple(self._read_items())
        if items != self._items:
            self._items = items
            self._layout = None
            self.refresh()
            self._hover(self._mouse_x)

    def notify_style_update(self) -> None:
        """Drop what was worked out from the CSS when it changes (restyle, theme)."""
        self._layout = self._line = None
        self._looks.clear()
        super().notify_style_update()

    def _current_items(self) -> tuple[_Item, ...]:
        """What the footer shows now, left to right (the palette key last)."""
        if self._items is None:
            self._items = tuple(self._read_items())
            self._layout = None
        return self._items

    def _read_items(self) -> Iterable[_Item]:
        """Footer's selection: the shown bindings, the first binding per action, runs of
        actions in one binding group as bare keys then the group's label."""
        app = self.app
        active_bindings = self.screen.active_bindings
        by_action: dict[str, list[tuple[Binding, bool, str]]] = {}
        for _node, binding, enabled, tooltip in active_bindings.values():
            if binding.show:
                by_action.setdefault(binding.action, []).append((binding, enabled, tooltip))
        firsts = [bindings[0] for bindings in by_action.values()]
        leading = FIRST_ACTIONS + tuple(getattr(self.screen, SCREEN_FIRST_ATTRIBUTE, ()))
        firsts.sort(key=lambda first: leading.index(first[0].action)
                    if first[0].action in leading else len(leading))
        runs = 0
        for group, run in groupby(firsts, lambda first: first[0].group):
            run = list(run)
            if group is not None and len(run) > 1:
                runs += 1
                for binding, enabled, tooltip in run:
                    yield _Item(_GROUPED, binding.key, app.get_key_display(binding), "",
                                enabled, tooltip or binding.description, runs, group.compact)
                yield _Item(_LABEL, "", "", group.description, True, "")
            else:
                for binding, enabled, tooltip in run:
                    yield _Item(_KEY, binding.key, app.get_key_display(binding),
                                binding.description, enabled, tooltip)
        if self.show_command_palette and app.ENABLE_COMMAND_PALETTE:
            active = active_bindings.get(app.COMMAND_PALETTE_BINDING)
            if active is not None:
                binding = active.binding
                yield _Item(_PALETTE, binding.key, app.get_key_display(binding),
                            binding.description, active.enabled,
                            binding.tooltip or binding.description)

    def _texts(self, item: _Item) -> list[tuple[str, str | None]]:
        """An item's own text as (text, component class) runs, padding included."""
        if item.kind == _LABEL:
            return [(item.description, None)]
        if not item.description:
            return [(item.display, "key-footer--key")]
        if item.kind == _PALETTE:
            paddings = _PALETTE_KEY_PADDING, _PALETTE_DESCRIPTION_PADDING
        else:
            paddings = (self.get_component_styles("key-footer--key").padding,
                        self.get_component_styles("key-footer--description").padding)
        return [(" " * padding.left + text + " " * padding.right, component)
                for text, component, padding in zip(
                    (item.display, item.description),
                    ("key-footer--key", "key-footer--description"), paddings)]

    def _placements(self) -> tuple[_Placed, ...]:
        """Where each item sits in a footer of the current width: side by side with
        adjacent margins collapsed (as in Textual's horizontal layout), the palette key
        at the right edge."""
        width = self.size.width
        items = self._current_items()
        if self._layout is not None and self._layout[0] == width:
            return self._layout[1]
        placed: list[_Placed] = []
        x = previous_margin = 0
        for group, run in groupby(items, lambda item: item.group):
            boxes = [self._group_box(list(run))] if group else map(self._item_box, run)
            for margin, box_width, members in boxes:
                if not members:
                    continue
                x += max(previous_margin, margin.left)
                placed.extend(_Placed(item, x + offset, item_width)
                              for item, offset, item_width in members)
                x += box_width
                previous_margin = margin.right
        palette = next((item for item in items if item.kind == _PALETTE), None)
        limit = width
        if palette is not None:
            gutter = self.get_component_styles("key-footer--palette").gutter
            palette_width = gutter.left + self._text_width(palette) + gutter.right
            limit = max(0, width - palette_width)
        # A key that does not fit whole is left out (the palette and ? list it), never cut.
        placed = [p for p in placed if p.x + p.width <= limit]
        if palette is not None:
            placed.append(_Placed(palette, limit, palette_width))
        self._layout = (width, tuple(placed))
        return self._layout[1]

    def _item_box(self, item: _Item) -> tuple[Spacing, int, list[tuple[_Item, int, int]]]:
        """A key or group label as a box in the line: its margin, width and contents
        (none for the palette key, placed apart)."""
        if item.kind == _PALETTE:
            return Spacing(), 0, []
        width = self._text_width(item)
        margin = _GROUP_LABEL_MARGIN if item.kind == _LABEL else Spacing()
        return margin, width, [(item, 0, width)]

    def _group_box(self, run: list[_Item]) -> tuple[Spacing, int, list[tuple[_Item, int, int]]]:
        """A binding group's keys as one box (Footer's KeyGroup): its margin, width and
        each key's (item, offset, width) in it."""
        if run[0].compact:
            margin, padding, key_margin = _COMPACT_GROUP_MARGIN, _COMPACT_GROUP_PADDING, Spacing()
        else:
            margin, padding, key_margin = Spacing(), Spacing(), _GROUPED_KEY_MARGIN
        members = []
        x, previous_margin = padding.left, 0
        for item in run:
            x += max(previous_margin, key_margin.left)
            key_width = self._text_width(item)
            members.append((item, x, key_width))
            x += key_width
            previous_margin = key_margin.right
        return margin, x + previous_margin + padding.right, members

    def _text_width(self, item: _Item) -> int:
        """The cells of an item's text, padding included."""
        return sum(cell_len(text) for text, _ in self._texts(item))

    def _placed_at(self, x: int) -> _Placed | None:
        """The item covering cell ``x`` (the palette key covers what is under it)."""
        found = None
        for placed in self._placements():
            if placed.x <= x < placed.x + placed.width and placed.item.kind != _LABEL:
                found = placed
        return found

    def render_line(self, y: int) -> Strip:
        """The footer line, from the cache while the keys, width, hover and styles hold."""
        width = self.size.width
        if y:
            return Strip.blank(width, self._own_background_style())
        placements = self._placements()
        hovered = None if self._mouse_x is None else self._placed_at(self._mouse_x)
        key = (placements, width, hovered)
        if self._line is None or self._line[0] != key:
            self._line = (key, self._draw(placements, hovered, width))
        return self._line[1]

    def _own_background_style(self) -> RichStyle:
        """The style of cells no key covers."""
        base, background = self.background_colors
        return Style(background=base + background).rich_style

    def _draw(self, placements: tuple[_Placed, ...], hovered: _Placed | None,
              width: int) -> Strip:
        """Draw the line: every key, the gaps between them, the palette key on top."""
        gap_style = self._own_background_style()
        segments: list[Segment] = []
        x = 0
        palette = None
        for placed in placements:
            if placed.item.kind == _PALETTE:
                palette = (placed.x, self._draw_item(placed.item, placed is hovered))
                continue
            if placed.x > x:
                segments.append(Segment(" " * (placed.x - x), gap_style))
            segments.extend(self._draw_item(placed.item, placed is hovered))
            x = placed.x + placed.width
        strip = Strip(segments).adjust_cell_length(width, gap_style)
        if palette is not None:
            palette_x, palette_segments = palette
            strip = Strip.join([strip.crop(0, palette_x), Strip(palette_segments)])
            strip = strip.crop(0, width)
        return strip.simplify()

    def _draw_item(self, item: _Item, hover: bool) -> list[Segment]:
        """One item's segments, styled as a FooterKey (or FooterLabel) would be."""
        look = self._look(item.kind, hover, item.enabled)
        segments = []
        offset = 0
        for text, component in self._texts(item):
            # Offsets within the key, as Textual's text rendering puts in each segment:
            # they keep neighbouring runs of one look apart, as in Footer.
            style = look.parts[component].rich_style_with_offset(offset, 0)
            segments.append(Segment(text, style))
            offset += len(text)
        if item.kind != _PALETTE:
            return segments
        if look.edge is not None:
            segments.insert(0, look.edge)
        padding = self.get_component_styles("key-footer--palette").padding
        if padding.left:
            segments.insert(1 if look.edge else 0, Segment(" " * padding.left, look.inner))
        if padding.right:
            segments.append(Segment(" " * padding.right, look.inner))
        return segments

    def _look(self, kind: str, hover: bool, enabled: bool) -> _Look:
        """The styles of an item in one state, worked out once per style change."""
        look = self._looks.get((kind, hover, enabled))
        if look is not None:
            return look
        own_layers = [node.styles for node in reversed(self.ancestors_with_self)]
        parts: dict[str | None, Style] = {}
        if kind == _LABEL:
            # Footer's group label: the description's colours, straight on the footer.
            description = self.get_component_styles("key-footer--description")
            parts[None] = _layer_styles(own_layers + [description])[1]
            look = _Look(parts, RichStyle(), None)
            self._looks[kind, hover, enabled] = look
            return look
        state = ["key-footer--item"]
        if hover:
            state.append("key-footer--item-hover")
        if not enabled:
            state.append("key-footer--item-disabled")
        item_layers = own_layers + [self.get_component_styles(*state)]
        item_rich, item_visual, item_background = _layer_styles(item_layers)
        ansi_theme = self.app.ansi_theme
        base_style = item_visual + Style.from_rich_style(item_rich, ansi_theme)
        for component in ("key-footer--key", "key-footer--description"):
            part_rich = _layer_styles(item_layers + [self.get_component_styles(component)])[0]
            parts[component] = base_style + Style.from_rich_style(part_rich, ansi_theme)
        own_background = self.background_colors[1]
        inner = Style(background=own_background + item_background)
        edge = None
        edge_type, edge_color = self.get_component_styles("key-footer--palette").border_left
        if edge_type:
            outer = Style(background=own_background)
            edge_style = Style(foreground=own_background + edge_color)
            edge = get_box(edge_type, inner, outer, edge_style)[1][0]
        look = _Look(parts, inner.rich_style, edge)
        self._looks[kind, hover, enabled] = look
        return look

    def on_mouse_move(self, event: events.MouseMove) -> None:
        """Highlight the key under the mouse."""
        self._hover(event.x)

    def on_leave(self, event: events.Leave) -> None:
        """Highlight no key."""
        self._hover(None)

    def _hover(self, x: int | None) -> None:
        """Follow the mouse at cell ``x`` (None: gone): highlight the key under it and
        offer that key's tooltip."""
        self._mouse_x = x
        hovered = None if x is None else self._placed_at(x)
        if hovered == self._hovered:
            return
        self._hovered = hovered
        self.tooltip = (hovered.item.tooltip or None) if hovered is not None else None
        self.styles.pointer = "default" if hovered is None else "pointer"
        self.screen.update_pointer_shape()
        self.refresh()

    def on_mouse_down(self, event: events.MouseDown) -> None:
        """Press the key under the mouse; ring the bell if it is unavailable now."""
        placed = self._placed_at(event.x)
        if placed is None:
            return
        if placed.item.enabled:
            self.app.simulate_key(placed.item.key)
        else:
            self.app.bell()
