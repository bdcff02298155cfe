"""`oneseal search-index`: compute and store the meaning vectors of every text the search
needs now (names, everyday names and synonyms of the versions in force), so that the first
search after an import or `load-demo` does not wait for them. Searches rebuild their in-memory
index by themselves when the catalogue changes; this only does the slow part ahead of time."""

import time
from typing import Any

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from oneseal.search import embeddings, index


class Command(BaseCommand):
    help = _("预先计算事项检索所需的语义向量（导入目录或加载演示数据后运行）")

    def handle(self, *args: Any, **options: Any) -> None:
        if not embeddings.enabled():
            self.stdout.write(_("语义模型不可用，检索只使用关键词；无需预先计算。"))
            return
        start = time.perf_counter()
        texts, computed = index.precompute()
        built = index.current()
        self.stdout.write(
            _(
                "检索索引已就绪：{docs} 个办理项，{texts} 段文字，新计算 {computed} 段，用时 {s:.1f} 秒。"
            ).format(
                docs=len(built.documents),
                texts=texts,
                computed=computed,
                s=time.perf_counter() - start,
            )
        )
