"""The floor endpoint of `bench/cases.py` (bench only; served with `bench.floor_settings`,
never by oneseal's own URLconf).

`POST /bench/floor` is what an intake request costs with nothing of oneseal's in it: the
same middleware, DRF view class, session authentication (`StaffBackend` reading the user and
their staff record), permission and JSON parser as `POST /api/v1/cases`, then one INSERT in a
transaction and a small JSON answer. Its rate over bare SQL's is the ratio Django, DRF and
gunicorn allow at all on the machine the bench runs on."""

from django.db import connection, transaction
from django.urls import path
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from oneseal.api.cases.views import SignedInMixin
from oneseal.urls import urlpatterns as shipped

TABLE = "bench_floor"
CREATE_TABLE = (
    f"CREATE TABLE IF NOT EXISTS {TABLE} (id bigserial PRIMARY KEY, "
    "at timestamptz NOT NULL DEFAULT now(), actor_id integer NOT NULL, channel text NOT NULL)"
)


class Floor(SignedInMixin, APIView):
    def post(self, request):
        channel = str(request.data.get("channel", ""))
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {TABLE} (actor_id, channel) VALUES (%s, %s) RETURNING id",
                [request.user.pk, channel],
            )
            (row_id,) = cursor.fetchone()
        return Response({"id": row_id}, status=status.HTTP_201_CREATED)


urlpatterns = [path("bench/floor", Floor.as_view()), *shipped]
