"""Event page content as the editor stores it, and the provider answers it needs."""

VIDEO_URL = "https://www.youtube.com/watch?v=harbour-lights"
PLAYER = "https://www.youtube-nocookie.com/embed/harbour-lights"


def cache_youtube_embed():
    """YouTube's oEmbed answer as Wagtail caches it, so no test ever calls YouTube."""
    from wagtail.embeds.embeds import get_embed_hash
    from wagtail.embeds.models import Embed

    return Embed.objects.create(
        url=VIDEO_URL,
        hash=get_embed_hash(VIDEO_URL),
        type="video",
        html=f'<iframe src="{PLAYER}" width="480" height="270" allowfullscreen></iframe>',
        provider_name="YouTube",
        title="Harbour Lights trailer",
        width=480,
        height=270,
    )


def every_block(image) -> list[dict]:
    """One block of each of the ten kinds an event page offers, as the editor stores them."""
    return [
        {"type": "heading", "value": {"text": "What to expect", "level": "h2"}},
        {"type": "paragraph", "value": "<p>Two nights of <b>music</b> by the water.</p>"},
        {
            "type": "image",
            "value": {"image": image.pk, "caption": "The main stage", "alt_text": "A lit stage"},
        },
        {"type": "gallery", "value": {"title": "Last summer", "images": [image.pk, image.pk]}},
        {"type": "video", "value": {"video": VIDEO_URL, "poster": image.pk, "caption": "Trailer"}},
        {"type": "quote", "value": {"quote": "The best night of the year.", "attribution": "City"}},
        {
            "type": "lineup",
            "value": {
                "title": "Line-up",
                "people": [
                    {"name": "Mara Lind", "role": "Headliner", "photo": image.pk, "bio": "Sea."}
                ],
            },
        },
        {
            "type": "schedule",
            "value": {
                "title": "Schedule",
                "items": [{"time": "19:30:00", "title": "Doors open", "description": "Bar opens"}],
            },
        },
        {
            "type": "faq",
            "value": {
                "title": "Questions",
                "items": [{"question": "Is there parking?", "answer": "<p>Yes, at Pier 5.</p>"}],
            },
        },
        {
            "type": "call_to_action",
            "value": {"text": "Bring your friends.", "button_label": "Get yours", "url": ""},
        },
    ]
