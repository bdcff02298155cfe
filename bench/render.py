"""Drawing one notice: CPU per `documents.rendering.render` call and the PDF's size, for notices
of 1, 4 and 10 paragraphs of 120 common (GB 2312) characters each.

    ONESEAL_DEBUG=1 .venv/bin/python bench/render.py [--repeat 3]

No database. The first call of a process cuts the common font into VAR_DIR (once per `var/`)
and is left out. Run by hand; not part of the test suite.
"""

import argparse
import os
import random
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "oneseal.settings")
    os.environ.setdefault("DATABASE_URL", "sqlite:///:memory:")
    import django

    django.setup()
    from oneseal.documents.rendering import Notice, _common_codepoints, render

    common = sorted(chr(c) for c in _common_codepoints() if c > 0x4E00)[:3000]
    chance = random.Random(1)  # the same text on every run and tree

    def notice(paragraphs: int) -> Notice:
        return Notice(
            title="食品经营许可证",
            paragraphs=[
                "".join(chance.choice(common) for _ in range(120)) for _ in range(paragraphs)
            ],
            closing=["受理人：王窗口"],
            addressee="平罗县某某餐饮有限公司",
        )

    fields = {
        "heading": "平罗县行政审批服务局",
        "number": "平审批〔2026〕1号",
        "dated_text": "2026年12月7日",
        "code": "ABCD1234",
        "url": "https://spj.example.gov.cn/v/ABCD1234",
        "seal_name": "平罗县行政审批服务局行政审批专用章",
        "author": "oneseal",
    }
    render(notice(1), **fields)  # cuts the font into var/ if it is not there yet
    for paragraphs in (1, 4, 10):
        start = time.process_time()
        for _ in range(args.repeat):
            out = render(notice(paragraphs), **fields)
        cpu = (time.process_time() - start) / args.repeat
        print(
            f"{paragraphs:>2} paragraphs: {cpu * 1000:7.1f} ms CPU per render, {len(out.pdf) // 1024} KB"
        )


if __name__ == "__main__":
    main()
