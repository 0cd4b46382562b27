from django.utils.translation import gettext_lazy as _

from wagtail import blocks
from wagtail.images.blocks import ImageChooserBlock

from core.sanitize import render_rich_text

BODY_FEATURES = ["bold", "italic", "link", "ol", "ul", "superscript", "subscript"]


class ImageBlock(blocks.StructBlock):
    image = ImageChooserBlock()
    # Required: a commentary's images must be described for screen-reader users.
    alt_text = blocks.CharBlock(max_length=255, help_text=_("Describe the image for readers."))
    caption = blocks.CharBlock(required=False, max_length=255)

    class Meta:
        icon = "image"
        template = "components/image_block.html"


class QuoteBlock(blocks.StructBlock):
    text = blocks.TextBlock()
    attribution = blocks.CharBlock(required=False, max_length=255)

    class Meta:
        icon = "openquote"
        template = "components/quote_block.html"


class SafeRichTextBlock(blocks.RichTextBlock):
    """Renders through the sanitiser (core/sanitize.py)."""

    def render_basic(self, value, context=None):
        return render_rich_text(value)

    def get_api_representation(self, value, context=None):
        return str(render_rich_text(value))


class CommentaryBodyBlock(blocks.StreamBlock):
    paragraph = SafeRichTextBlock(features=BODY_FEATURES)
    heading = blocks.CharBlock(
        form_classname="title", max_length=255, template="components/heading_block.html"
    )
    quote = QuoteBlock()
    image = ImageBlock()
