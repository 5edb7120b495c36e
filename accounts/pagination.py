from functools import cached_property

from django.core.paginator import Paginator


class CappedPaginator(Paginator):
    """Counts at most `cap` rows, so a page costs the same at 100 or 100,000 matching rows.

    The count runs as COUNT(*) over a LIMITed, unordered primary-key subquery; past the cap the
    list says "more than N" and asks the user to narrow it down.
    """

    cap = 10_000

    @cached_property
    def count(self):
        counted = self.object_list.order_by().values("pk")[: self.cap + 1].count()
        self.is_capped = counted > self.cap
        return min(counted, self.cap)

    @cached_property
    def is_capped(self):
        return self.count >= self.cap and self.__dict__.get("is_capped", False)


def paginate(request, queryset, per_page=25):
    paginator = CappedPaginator(queryset, per_page)
    return paginator.get_page(request.GET.get("page"))
