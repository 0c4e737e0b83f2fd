"""Viewsets whose every view follows the model's permission policy, object by object.

Wagtail's generic views ask the permission policy whether a user may take an
action on a model at all; most of them then load any object by its id. For
objects that belong to an organization that is not enough, so the viewset
wraps every view it builds (list, results, add, copy, edit, delete, history,
usage, inspect, export, chooser) in `PolicyScopedView`: listings show only
what the policy allows, and an object the policy does not allow is a 404, as
if it did not exist.
"""

from django.http import Http404
from wagtail.permissions import policy_registry

VISIBLE = ("view", "change", "delete")


def allowed(user, model, actions=VISIBLE):
    """The instances of `model` on which `user` may take any of `actions` (its policy decides)."""
    return policy_registry.get_by_type(model).instances_user_has_any_permission_for(user, actions)


class PolicyScopedView:
    """Narrows a generic view's objects to those its model's permission policy allows."""

    def _scoped_model(self):
        return getattr(self, "model", None) or getattr(self, "model_class", None)

    def _scoped_actions(self):
        required = getattr(self, "permission_required", None)
        if isinstance(required, str) and required != "add":
            return (required,)
        return tuple(getattr(self, "any_permission_required", None) or VISIBLE)

    def _scope(self, queryset):
        model = self._scoped_model()
        if model is None or queryset is None or queryset.model is not model:
            return queryset  # e.g. the log entries of a history view, the references of usage
        actions = tuple(a for a in self._scoped_actions() if a != "add") or VISIBLE
        return queryset.filter(pk__in=allowed(self.request.user, model, actions).values("pk"))

    def get_base_queryset(self):
        return self._scope(super().get_base_queryset())

    def get_object_list(self):
        return self._scope(super().get_object_list())

    def get_objects(self, pks):  # the chooser's "chosen multiple" view
        return self._scope(super().get_objects(pks))

    def get_object(self, *args, **kwargs):
        obj = super().get_object(*args, **kwargs)
        model = self._scoped_model()
        if model is not None and isinstance(obj, model):
            actions = tuple(a for a in self._scoped_actions() if a != "add") or VISIBLE
            if not allowed(self.request.user, model, actions).filter(pk=obj.pk).exists():
                raise Http404
        return obj


_scoped_classes: dict[type, type] = {}


def scoped(view_class: type) -> type:
    """`view_class` with `PolicyScopedView` in front (one subclass per class, made once)."""
    if issubclass(view_class, PolicyScopedView):
        return view_class
    if view_class not in _scoped_classes:
        _scoped_classes[view_class] = type(
            f"Scoped{view_class.__name__}", (PolicyScopedView, view_class), {}
        )
    return _scoped_classes[view_class]


class OrganizationScopedViewSetMixin:
    """For a ModelViewSet / SnippetViewSet / ChooserViewSet: every view it builds is scoped."""

    def construct_view(self, view_class, **kwargs):
        return super().construct_view(scoped(view_class), **kwargs)
