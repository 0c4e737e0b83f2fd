"""Public event catalogue and the organizer's event API."""

from django.db import transaction
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView
from wagtail.models import Locale

from core.api.schema import ErrorSerializer
from event_pages import api_extensions, services
from event_pages.api.serializers import (
    EventCreateSerializer,
    EventDetailSerializer,
)
from event_pages.models import EventPage
from event_pages.permissions import organizations_for


class EventDetailView(generics.RetrieveAPIView):
    permission_classes = [AllowAny]
    serializer_class = EventDetailSerializer

    def get_queryset(self):
        return EventPage.objects.live().public().select_related("venue").prefetch_related("tiers")


class OrganizerEventCreateView(APIView):
    permission_classes = [IsAuthenticated]
    serializer_class = EventCreateSerializer

    def post(self, request):
        serializer = EventCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        organizations = list(
            organizations_for(request.user)
            .live()
            .filter(locale=Locale.get_default())
            .order_by("title")
        )
        if "organization" in data:
            organization = next((o for o in organizations if o.pk == data["organization"]), None)
            if organization is None:
                raise serializers.ValidationError(
                    {"organization": ["You cannot add events to this organization."]}
                )
        elif len(organizations) == 1:
            organization = organizations[0]
        elif not organizations:
            return Response(
                {"error": "permission_denied", "detail": "Only organizers can create events."},
                status=403,
            )
        else:
            raise serializers.ValidationError(
                {"organization": ["You organize several organizations: say which one."]}
            )
        venue = data.get("venue")
        if venue is not None and not services.venue_usable_by(organization, venue):
            raise serializers.ValidationError(
                {"venue": ["Choose one of this organization's venues or a shared one."]}
            )
        with transaction.atomic():
            event = services.create_draft_event(
                user=request.user, organization=organization, data=data
            )
            for extra in api_extensions.fields():  # e.g. the pre-order offer (fulfilment)
                if extra.save is not None and data.get(extra.name) is not None:
                    extra.save(event=event, value=data[extra.name], user=request.user)
        body = EventDetailSerializer(event).data
        body["live"] = False
        return Response(body, status=status.HTTP_201_CREATED)


@extend_schema(
    request=None,
    responses={
        200: EventDetailSerializer,
        400: OpenApiResponse(
            ErrorSerializer, description="cannot_publish: `detail` gives the reasons by field."
        ),
        404: OpenApiResponse(ErrorSerializer, description="No such event, or not yours."),
    },
)
class OrganizerEventPublishView(APIView):
    """Publish the event's latest draft, or refuse with the reasons."""

    permission_classes = [IsAuthenticated]

    def post(self, request, pk):
        event = get_object_or_404(EventPage, pk=pk)
        organization = event.get_parent().specific
        if not services.is_member(request.user, organization) or not (
            event.permissions_for_user(request.user).can_publish()
        ):
            return Response({"error": "not_found", "detail": "No such event."}, status=404)
        # A refusal (PublishRefused) answers 400 cannot_publish (core.api.errors).
        event = services.publish_event(user=request.user, event=event)
        return Response(EventDetailSerializer(event).data)
