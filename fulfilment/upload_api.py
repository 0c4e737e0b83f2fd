"""POST /api/v1/admin/tickets/upload/: the ticket CSV upload of the admin, as an API.

Multipart field `file`. Without `?commit=1` it only validates and answers the report;
with it, it stores the valid rows in one transaction (or nothing) and adds `stored`
and `upload`. Whole-file problems: 400 {"error": "invalid_csv", "detail"}; a commit
that lost a race: 409 {"error": "commit_failed", "detail"}; users who upload to no
event: 403. The rules: fulfilment.services.csv_import.
"""

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.schema import ErrorSerializer
from core.client_address import client_address
from fulfilment.services import csv_import
from fulfilment.services.csv_import import CommitFailed, InvalidCSV


class UploadRequestSerializer(serializers.Serializer):
    file = serializers.FileField()


class RowErrorSerializer(serializers.Serializer):
    row = serializers.IntegerField(help_text="The header is row 1; the first ticket is row 2.")
    reason = serializers.CharField()


class CoverageSerializer(serializers.Serializer):
    event = serializers.IntegerField()
    event_title = serializers.CharField()
    variant = serializers.CharField()
    ordered = serializers.IntegerField(help_text="Paid pre-orders of this variant.")
    stored = serializers.IntegerField(help_text="Tickets of this variant stored before.")
    uploaded = serializers.IntegerField(help_text="Valid rows of this variant in the file.")
    short = serializers.IntegerField()


class UploadReportSerializer(serializers.Serializer):
    rows = serializers.IntegerField()
    valid = serializers.IntegerField()
    duplicates = serializers.IntegerField()
    malformed = serializers.IntegerField()
    errors = RowErrorSerializer(many=True)
    coverage = CoverageSerializer(many=True)
    stored = serializers.IntegerField(required=False)
    upload = serializers.IntegerField(required=False, allow_null=True)


def _invalid(detail) -> Response:
    return Response({"error": "invalid_csv", "detail": detail}, status=400)


@extend_schema(
    request={"multipart/form-data": UploadRequestSerializer},
    parameters=[OpenApiParameter("commit", int, description="1: store the valid rows")],
    responses={
        200: UploadReportSerializer,
        400: OpenApiResponse(ErrorSerializer, description="invalid_csv: the whole file."),
        403: OpenApiResponse(ErrorSerializer, description="Not Fulfilment staff or organizer."),
        409: OpenApiResponse(ErrorSerializer, description="commit_failed: nothing stored."),
    },
)
class TicketUploadView(APIView):
    permission_classes = [IsAuthenticated]
    parser_classes = [MultiPartParser]

    def post(self, request):
        if not csv_import.may_upload(request.user):
            return Response(
                {
                    "error": "permission_denied",
                    "detail": "Only the Fulfilment group and organizers upload tickets.",
                },
                status=403,
            )
        uploaded = request.FILES.get("file")
        if uploaded is None:
            return _invalid('Send the CSV file in the multipart field "file".')
        commit = request.query_params.get("commit") in ("1", "true")
        try:
            data = csv_import.read_upload(uploaded)
            if not commit:
                report = csv_import.validate(data, user=request.user, filename=uploaded.name)
                return Response(report.as_dict())
            report, upload = csv_import.commit(
                data,
                user=request.user,
                filename=uploaded.name,
                ip_address=client_address(request),
            )
        except InvalidCSV as error:
            return _invalid(error.detail)
        except CommitFailed as error:
            return Response({"error": "commit_failed", "detail": str(error)}, status=409)
        body = report.as_dict()
        body["stored"] = upload.stored if upload else 0
        body["upload"] = upload.pk if upload else None
        return Response(body)
