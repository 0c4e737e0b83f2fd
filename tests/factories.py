"""Small factories: build real pages, tiers and users the way the admin would."""

import datetime as dt
import io

from django.core.files.images import ImageFile
from django.utils import timezone
from PIL import Image as PillowImage
from wagtail.images import get_image_model

from accounts.models import User
from event_pages.models import EventIndexPage, EventPage, TicketTier

PASSWORD = "correct-horse-battery"


def make_user(email="buyer@example.com", *, password=PASSWORD, **fields) -> User:
    return User.objects.create_user(email=email, password=password, **fields)


def make_organization(home_page, title: str) -> EventIndexPage:
    from accounts.roles import grant_organization

    index = home_page.add_child(
        instance=EventIndexPage(title=title, contact_email="hi@example.com")
    )
    index.save_revision().publish()
    grant_organization(index)
    return index


def make_event(
    organization,
    title="Night Concert",
    *,
    capacity=100,
    tiers=(("General", 2500, None),),
    publish=True,
    starts_in_days=30,
    time_zone="Europe/Berlin",
    **fields,
) -> EventPage:
    """An event with tiers given as (name, price_minor, allocation) tuples."""
    starts_at = timezone.now() + dt.timedelta(days=starts_in_days)
    event = EventPage(
        title=title,
        starts_at=starts_at,
        ends_at=starts_at + dt.timedelta(hours=3),
        time_zone=time_zone,
        total_capacity=capacity,
        live=False,
        **fields,
    )
    for order, (name, price, allocation) in enumerate(tiers):
        event.tiers.add(
            TicketTier(name=name, price_minor=price, allocation=allocation, sort_order=order)
        )
    organization.add_child(instance=event)
    revision = event.save_revision()
    if publish:
        revision.publish()
        event.refresh_from_db()
    return event


def make_image(title="Stage photo", *, size=(1600, 900), colour=(90, 70, 200)):
    """A Wagtail image drawn with Pillow (nothing downloaded)."""
    buffer = io.BytesIO()
    PillowImage.new("RGB", size, colour).save(buffer, "JPEG")
    image = get_image_model()(
        title=title, file=ImageFile(buffer, name=f"{title.lower().replace(' ', '-')}.jpg")
    )
    image.save()
    return image
