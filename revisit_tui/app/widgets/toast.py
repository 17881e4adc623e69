"""Toasts whose lines break as Chinese is typeset. Textual folds a toast's run of Chinese at
any cell, so a notice could show a line starting with "，" or "。"; `ProseToast` breaks its
lines by Prose's rule for its own width, when it is painted: the notification's message
stays whole for the screens and tests that read it. `ProseToastRack` is the rack that shows
them, installed on every app screen in place of Textual's (`LocalizedScreen`)."""

from __future__ import annotations

from textual.content import Content
from textual.css.query import NoMatches
from textual.geometry import Size
from textual.notifications import Notification, Notifications
from textual.widgets._toast import Toast, ToastHolder, ToastRack

from revisit_tui.app.widgets.prose import break_content


class ProseToast(Toast):
    """A toast whose title and message break their lines by `break_lines`."""

    def render(self) -> Content:
        return break_content(super().render(), self.size.width)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return break_content(super().render(), width).plain.count("\n") + 1


class ProseToastRack(ToastRack):
    """Textual's toast rack, showing each notification in a `ProseToast`."""

    def show(self, notifications: Notifications) -> None:
        """Show the notifications not shown yet and drop the toasts of those gone (as
        Textual's rack does)."""
        self.display = bool(notifications)
        for toast in self.query(Toast):
            if toast._notification not in notifications:
                toast.remove()
        new_toasts = [
            notification
            for notification in notifications
            if not notification.has_expired and not self._has_toast(notification)
        ]
        if new_toasts:
            self.mount_all(
                ToastHolder(ProseToast(notification), id=self._toast_id(notification))
                for notification in new_toasts
            )
            self.call_later(self.scroll_end, animate=False, force=True)

    def _has_toast(self, notification: Notification) -> bool:
        try:
            self.get_child_by_id(self._toast_id(notification))
        except NoMatches:
            return False
        return True
