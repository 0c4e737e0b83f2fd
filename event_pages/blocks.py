"""StreamField blocks for event pages. Each renders with its own template."""

from urllib.parse import urlsplit

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.embeds.blocks import EmbedBlock
from wagtail.embeds.embeds import get_embed
from wagtail.embeds.exceptions import EmbedException
from wagtail.images.blocks import ImageChooserBlock


class HeadingBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("Heading"), max_length=120)
    level = blocks.ChoiceBlock(
        choices=[("h2", _("Section heading")), ("h3", _("Sub-heading"))], default="h2"
    )

    class Meta:
        icon = "title"
        template = "blocks/heading.html"
        preview_value = {"text": "What to expect", "level": "h2"}


class CaptionedImageBlock(blocks.StructBlock):
    image = ImageChooserBlock()
    caption = blocks.CharBlock(required=False, max_length=200)
    alt_text = blocks.CharBlock(
        required=False, max_length=200, help_text=_("Describe the picture for screen readers.")
    )

    class Meta:
        icon = "image"
        template = "blocks/image.html"


class GalleryBlock(blocks.StructBlock):
    title = blocks.CharBlock(required=False, max_length=120)
    images = blocks.ListBlock(ImageChooserBlock(), min_num=1, max_num=24)

    class Meta:
        icon = "image"
        template = "blocks/gallery.html"


class VideoBlock(blocks.StructBlock):
    """A provider video that loads only when the visitor presses play (static/js/video.js).

    Until then the page shows the site's own poster image or a plain placeholder:
    not even the provider's thumbnail is fetched before the visitor asks for it.
    """

    video = EmbedBlock(help_text=_("A YouTube or Vimeo link."))
    poster = ImageChooserBlock(
        required=False,
        label=_("Poster image"),
        help_text=_("Shown until the visitor presses play. Optional."),
    )
    caption = blocks.CharBlock(required=False, max_length=200)

    class Meta:
        icon = "media"
        template = "blocks/video.html"

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        video = value.get("video")
        embed = None
        if video:
            try:
                embed = get_embed(video.url, video.max_width, video.max_height)
            except EmbedException:
                embed = None  # provider unreachable or unsupported: the template links out
        context["embed"] = embed
        context["provider"] = provider_name(embed, video.url if video else "")
        return context


def provider_name(embed, url: str) -> str:
    """The provider's name ("YouTube"), or the link's host name when it gave none."""
    if embed is not None and embed.provider_name:
        return embed.provider_name
    return (urlsplit(url).hostname or "").removeprefix("www.")


class QuoteBlock(blocks.StructBlock):
    quote = blocks.TextBlock(max_length=600)
    attribution = blocks.CharBlock(required=False, max_length=120)

    class Meta:
        icon = "openquote"
        template = "blocks/quote.html"
        preview_value = {"quote": "The best night of the summer.", "attribution": "City Paper"}


class PersonBlock(blocks.StructBlock):
    name = blocks.CharBlock(max_length=120)
    role = blocks.CharBlock(required=False, max_length=120, help_text=_("e.g. Headliner, Keynote"))
    photo = ImageChooserBlock(required=False)
    bio = blocks.TextBlock(required=False, max_length=1000)


class LineupBlock(blocks.StructBlock):
    title = blocks.CharBlock(default=_("Line-up"), max_length=120)
    people = blocks.ListBlock(PersonBlock(), min_num=1)

    class Meta:
        icon = "group"
        template = "blocks/lineup.html"


class ScheduleItemBlock(blocks.StructBlock):
    time = blocks.TimeBlock()
    title = blocks.CharBlock(max_length=160)
    description = blocks.TextBlock(required=False, max_length=500)


class ScheduleBlock(blocks.StructBlock):
    title = blocks.CharBlock(default=_("Schedule"), max_length=120)
    items = blocks.ListBlock(ScheduleItemBlock(), min_num=1)

    class Meta:
        icon = "time"
        template = "blocks/schedule.html"


class FAQItemBlock(blocks.StructBlock):
    question = blocks.CharBlock(max_length=200)
    answer = blocks.RichTextBlock(features=["bold", "italic", "link", "ul"])


class FAQBlock(blocks.StructBlock):
    title = blocks.CharBlock(default=_("Questions"), max_length=120)
    items = blocks.ListBlock(FAQItemBlock(), min_num=1)

    class Meta:
        icon = "help"
        template = "blocks/faq.html"


class CallToActionBlock(blocks.StructBlock):
    text = blocks.CharBlock(max_length=200)
    button_label = blocks.CharBlock(max_length=40)
    page = blocks.PageChooserBlock(required=False)
    url = blocks.URLBlock(required=False)

    class Meta:
        icon = "link"
        template = "blocks/cta.html"


class EventBodyBlock(blocks.StreamBlock):
    heading = HeadingBlock()
    paragraph = blocks.RichTextBlock(
        features=["bold", "italic", "link", "ol", "ul", "h3"], template="blocks/paragraph.html"
    )
    image = CaptionedImageBlock()
    gallery = GalleryBlock()
    video = VideoBlock()
    quote = QuoteBlock()
    lineup = LineupBlock()
    schedule = ScheduleBlock()
    faq = FAQBlock()
    call_to_action = CallToActionBlock()
