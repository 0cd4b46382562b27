from wagtail.models import PagePermissionTester


class ReviewedPublishingTester(PagePermissionTester):
    """Publishing goes through the editorial workflow: its last approval publishes the page.

    So no editorial role gets a direct "Publish" action (nor "create and publish"); the
    editor-in-chief's publish permission still unpublishes, sets privacy and unschedules.
    Superusers keep every action, for emergencies.
    """

    def can_publish(self):
        return self.user.is_superuser and super().can_publish()

    def can_publish_subpage(self):
        return self.user.is_superuser and super().can_publish_subpage()

    def can_unschedule(self):
        return super().can_publish()

    def can_set_view_restrictions(self):
        return super().can_publish()

    def can_lock(self):
        # The section-wide lock right is only for pages one may edit: an author locks the pages
        # they own, never a colleague's (whom only the editor-in-chief could then unlock).
        return super().can_lock() and self.can_edit()


class ReviewedPublishingMixin:
    """For page types in the editorial sections."""

    def permissions_for_user(self, user):
        return ReviewedPublishingTester(user, self)
