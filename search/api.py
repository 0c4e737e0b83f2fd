"""GET /api/v1/events/ (search, filters, facets, did-you-mean) and /api/v1/search/suggest/.

Thin: parse the query with SearchParams, call search.services, shape the JSON.
Bad parameters answer 400 {"error": "validation_error", "detail": {field: rule}}.
"""

from django.conf import settings
from django.utils import translation
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.schema import ErrorSerializer
from event_pages.api.serializers import EventSummarySerializer
from search.params import DATE_CHOICES, SORT_CHOICES
from search.services import SearchParams, search_events, suggest
from search.text import MAX_QUERY_LENGTH, clean_query

PER_PAGE = 20  # the REST framework's PAGE_SIZE, as the list answered before search


def request_language(request) -> str:
    """The request's language (Accept-Language or the site's), one of LANGUAGES."""
    language = (getattr(request, "LANGUAGE_CODE", None) or translation.get_language() or "").lower()
    codes = [code for code, _name in settings.LANGUAGES]
    if language in codes:
        return language
    base = language.split("-")[0]
    return base if base in codes else settings.LANGUAGE_CODE


class CategoryRefSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()


class PriceSerializer(serializers.Serializer):
    price_minor = serializers.IntegerField()
    currency = serializers.CharField()


class EventSearchHitSerializer(EventSummarySerializer):
    """An event in search results: the summary fields, its category, its lowest price and
    whether it is sold out now (read fresh, never from the search cache)."""

    category = serializers.SerializerMethodField()
    price_from = serializers.SerializerMethodField()
    sold_out = serializers.BooleanField(read_only=True)

    class Meta(EventSummarySerializer.Meta):
        fields = EventSummarySerializer.Meta.fields + ["category", "price_from", "sold_out"]

    def get_category(self, event) -> CategoryRefSerializer(allow_null=True):
        category = event.category
        return {"slug": category.slug, "name": category.name} if category else None

    def get_price_from(self, event) -> PriceSerializer(allow_null=True):
        if event.price_from is None:
            return None
        price_minor, currency = event.price_from
        return {"price_minor": price_minor, "currency": currency}


class FacetValueSerializer(serializers.Serializer):
    value = serializers.CharField()
    label = serializers.CharField(required=False)
    count = serializers.IntegerField()


class PriceFacetValueSerializer(serializers.Serializer):
    value = serializers.IntegerField(help_text="A price ceiling in minor units.")
    count = serializers.IntegerField()


class FacetsSerializer(serializers.Serializer):
    city = FacetValueSerializer(many=True)
    category = FacetValueSerializer(many=True)
    date = FacetValueSerializer(many=True)
    price = PriceFacetValueSerializer(
        many=True, help_text="Events with a ticket at or below each ceiling (minor units)."
    )
    available = FacetValueSerializer(many=True, help_text="Events with tickets on sale now.")


class EventSearchSerializer(serializers.Serializer):
    results = EventSearchHitSerializer(many=True)
    count = serializers.IntegerField()
    page = serializers.IntegerField()
    pages = serializers.IntegerField()
    next = serializers.CharField(allow_null=True)
    previous = serializers.CharField(allow_null=True)
    facets = FacetsSerializer()
    suggestion = serializers.CharField(allow_null=True)


class SuggestionSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=["event", "city", "artist"])
    label = serializers.CharField()
    url = serializers.CharField()


def _invalid(errors: dict) -> Response:
    return Response({"error": "validation_error", "detail": errors}, status=400)


SEARCH_PARAMETERS = [
    OpenApiParameter("q", str, description=f"Words to find (at most {MAX_QUERY_LENGTH})."),
    OpenApiParameter("date", str, enum=list(DATE_CHOICES)),
    OpenApiParameter("date_from", str, description="YYYY-MM-DD, in the event's time zone."),
    OpenApiParameter("date_to", str, description="YYYY-MM-DD, in the event's time zone."),
    OpenApiParameter("city", str),
    OpenApiParameter("category", str, description="A category's slug."),
    OpenApiParameter("price_max", int, description="Minor units (cents)."),
    OpenApiParameter("available", int, enum=[1], description="Only events on sale now."),
    OpenApiParameter("sort", str, enum=list(SORT_CHOICES)),
    OpenApiParameter("page", int),
]


class EventSearchView(APIView):
    """Live, upcoming events in the request's language: search, filters, facets."""

    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="events_list",  # the id the list had before it could search
        parameters=SEARCH_PARAMETERS,
        responses={
            200: EventSearchSerializer,
            400: OpenApiResponse(ErrorSerializer, description="`detail` names each bad field."),
        },
    )
    def get(self, request):
        params, errors = SearchParams.from_query(request.query_params)
        if errors:
            return _invalid(errors)
        result = search_events(params, language=request_language(request), per_page=PER_PAGE)
        organizations = {event.pk: event.organization for event in result.results}
        hits = EventSearchHitSerializer(
            result.results,
            many=True,
            context={"request": request, "organizations": organizations},
        ).data
        return Response(
            {
                "results": hits,
                "count": result.count,
                "page": result.page,
                "pages": result.pages,
                "next": self._page_link(request, result.page + 1, result.pages),
                "previous": self._page_link(request, result.page - 1, result.pages),
                "facets": result.facets,
                "suggestion": result.suggestion,
            }
        )

    @staticmethod
    def _page_link(request, page: int, pages: int) -> str | None:
        if not 1 <= page <= pages:
            return None
        query = request.query_params.copy()
        query["page"] = str(page)
        return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")


class SuggestView(APIView):
    """Autocomplete: events, cities and artists whose name contains `q`."""

    permission_classes = [AllowAny]

    @extend_schema(
        parameters=[OpenApiParameter("q", str, description="What was typed (2+ characters).")],
        responses={
            200: SuggestionSerializer(many=True),
            400: OpenApiResponse(ErrorSerializer, description="`q` is too long."),
        },
    )
    def get(self, request):
        typed = clean_query(request.query_params.get("q") or "")
        if len(typed) > MAX_QUERY_LENGTH:
            return _invalid(
                {
                    "q": translation.gettext("Use at most %(limit)d characters.")
                    % {"limit": MAX_QUERY_LENGTH}
                }
            )
        return Response(suggest(typed, language=request_language(request)))
