"""``{% export_links "tickets" as links %}``: the list's export links, carrying the page's filter."""

from django import template
from django.urls import reverse

from apps.exports import registry, services

register = template.Library()


@register.simple_tag(takes_context=True)
def export_links(context, export_key: str):
    request = context.get("request")
    export_list = registry.get(export_key)
    if request is None or export_list is None or not export_list.allowed(request.user):
        return None
    # The list's own filters: a saved view (?view=) puts them in the context, not the URL.
    query = services.filter_query(export_list, context.get("list_params") or request.GET)
    suffix = f"?{query}" if query else ""
    return {
        "csv": reverse("exports:export", args=[export_key, "csv"]) + suffix,
        "xlsx": reverse("exports:export", args=[export_key, "xlsx"]) + suffix,
        "personal": services.may_export_personal_data(request.user),
    }
