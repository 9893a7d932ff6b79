"""The top bar's menus, built in Python: they are on every page, each entry a dozen lookups
and conditions through the template language (``base.html``'s ``{% block nav %}``)."""

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

register = template.Library()


@register.simple_tag
def nav_menus(groups):
    """``groups`` from ``apps.core.navigation.groups_for``: one dropdown menu each."""
    rows_word = conditional_escape(_("rows"))
    parts = []
    for group in groups:
        key = conditional_escape(group["key"])
        active = " active" if group.get("active") else ""
        parts.append(
            f'\n        <li class="nav-item dropdown" data-nav-group="{key}">\n'
            f'          <button class="nav-link dropdown-toggle{active}" type="button" id="nav-group-{key}"'
            f' data-bs-toggle="dropdown" aria-expanded="false">{conditional_escape(group["label"])}</button>\n'
            f'          <ul class="dropdown-menu shadow" data-bs-theme="light" aria-labelledby="nav-group-{key}">\n'
            "            "
        )
        for item in group["entries"]:
            label = conditional_escape(item["label"])
            if item.get("count"):
                label = (
                    f'<span class="d-flex justify-content-between gap-2"><bdi>{label}</bdi>'
                    f'<span class="badge rounded-pill text-bg-secondary" data-testid="view-count">'
                    f'{conditional_escape(item["count"])}<span class="visually-hidden"> {rows_word}</span></span></span>'
                )
            current = ' active" aria-current="page"' if item.get("active") else '"'
            parts.append(
                f'\n            <li><a class="dropdown-item{current} data-nav="{conditional_escape(item["key"])}"'
                f' href="{conditional_escape(item["url"])}">{label}</a></li>\n            '
            )
        parts.append("\n          </ul>\n        </li>\n        ")
    return mark_safe("".join(parts))  # noqa: S308 - every value above is escaped
