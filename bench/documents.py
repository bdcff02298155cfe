"""Documents: how many notices are rendered, signed and stored per second, and where the time goes.

    .venv/bin/python bench/documents.py [--documents 100] [--split 30]

On SQLite (no DATABASE_URL, or a sqlite:// one) it works in a scratch database file; with a
postgres:// DATABASE_URL it creates its own database `oneseal_bench_documents` on that cluster
and drops it at the end. Files go to a scratch media directory. Run by hand; not part of the
test suite.

Figures:
  - issue: `documents.actions.issue_document` end to end — lock the case, number it, compose
    the wording, render the A4 PDF (two copies), sign it (PAdES, ECDSA P-256), hash and store
    it, insert the row and its audit row — documents per second and p50/p99 in ms;
  - the split, on the same notices: render alone, sign alone, and the rest (database, hash,
    storage) as the difference; render once more for a name with a rare character (𠮷),
    drawn from the second, tiny font cut.
"""

import argparse
import datetime as dt
import os
import statistics
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

DB_NAME = "oneseal_bench_documents"


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def pct(samples: list[float], q: int) -> float:
    return statistics.quantiles(samples, n=100)[q - 1] if len(samples) >= 2 else samples[0]


def make_world(n_cases: int):
    from django.contrib.auth import get_user_model

    from oneseal.applicants.actions import register_applicant
    from oneseal.cases import actions as case_actions
    from oneseal.cases.models import CaseMaterial
    from oneseal.catalogue import actions as catalogue_actions
    from oneseal.catalogue.models import Catalogue, HandlingItem, Material
    from oneseal.documents import actions
    from oneseal.organisation.models import Bureau, Department, Role, Staff, StaffRole
    from oneseal.regions.actions import GB2260_SOURCE, gb2260_table, load_regions
    from oneseal.regions.models import Region

    load_regions(gb2260_table(), source=GB2260_SOURCE, only_prefix="64", system=True)
    county = Region.objects.get(code="640221")
    bureau = Bureau.objects.create(
        region=county,
        name="平罗县审批服务管理局",
        phone="0952-6012345",
        complaint_phone="0952-12345",
    )
    department = Department.objects.create(
        region=county, name="平罗县市场监督管理局", short_name="市场监管局", order=6
    )
    catalogue = Catalogue.objects.create(
        region=county, bureau=bureau, name="平罗县审批服务事项目录"
    )

    def staff(username, role, name):
        user = get_user_model().objects.create_user(username=username, password="bench-" + username)
        s = Staff.objects.create(user=user, region=county, display_name=name, bureau=bureau)
        StaffRole.objects.create(staff=s, role=role)
        return user

    admin, clerk = (
        staff("catadmin", Role.CATALOGUE_ADMIN, "杨帆"),
        staff("clerk", Role.CLERK, "王晓燕"),
    )
    version = catalogue_actions.create_item(
        catalogue,
        actor=admin,
        basic_code="640221-XK-001",
        name="食品经营许可",
        legal_basis="《中华人民共和国食品安全法》第三十五条",
        original_department=department,
    )
    hi = catalogue_actions.save_draft_part(
        HandlingItem(
            item_version=version,
            code="640221-XK-001-01",
            name="食品经营许可（新办）",
            statutory_limit_days=20,
            promised_limit_days=5,
            complaint_phone="0952-12345",
        ),
        actor=admin,
    )
    catalogue_actions.save_draft_part(
        Material(handling_item=hi, name="食品经营许可申请书", order=1), actor=admin
    )
    catalogue_actions.publish(version, actor=admin, effective_from=dt.date(2024, 1, 1))
    applicant = register_applicant(
        actor=clerk,
        kind="organisation",
        name="平罗县沙湖人家餐饮有限公司",
        number="91350100M000100Y43",
        phone="0952-6012345",
    )
    cases = []
    start = dt.datetime(2025, 3, 3, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    for i in range(n_cases):
        case = case_actions.receive(
            hi, actor=clerk, applicant=applicant, at=start + dt.timedelta(minutes=i)
        )
        case_actions.check_materials(
            case,
            actor=clerk,
            statuses={m.pk: CaseMaterial.Status.PROVIDED for m in case.materials.all()},
        )
        cases.append(case_actions.accept(case, actor=clerk, on=dt.date(2025, 3, 3)))
    # The seal after the acceptances: with none, `accept` only queues its notice (a pending
    # notice), which the bench then issues; with one, `accept` would have issued it already.
    seal = actions.create_seal(bureau, system=True, valid_from=dt.date(2024, 1, 1))
    return {"bureau": bureau, "clerk": clerk, "seal": seal, "cases": cases}


def bench(world, n: int, n_split: int) -> None:
    from oneseal.documents import actions, rules, signing, wording
    from oneseal.documents.models import Document
    from oneseal.documents.rendering import render

    cases, clerk, seal, bureau = world["cases"], world["clerk"], world["seal"], world["bureau"]
    t0 = time.perf_counter()
    actions.issue_document(
        cases[0], kind="acceptance", actor=clerk
    )  # warm: font cuts, key, templates
    print(
        f"first document (font cuts from cache or built, key decrypted): {ms(time.perf_counter() - t0)}"
    )

    latencies = []
    started, cpu_started = time.perf_counter(), time.process_time()
    for case in cases[1 : n + 1]:
        t = time.perf_counter()
        actions.issue_document(case, kind="acceptance", actor=clerk)
        latencies.append(time.perf_counter() - t)
    total, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    sizes = list(Document.objects.values_list("size", flat=True))
    print(
        f"issue (render + sign + store, 1 connection): {len(latencies)} documents in {total:.2f} s = "
        f"{len(latencies) / total:.1f} documents/s; p50 {ms(pct(latencies, 50))}, p99 {ms(pct(latencies, 99))}; "
        f"mean file {statistics.mean(sizes) / 1024:.0f} KiB"
    )
    # On a shared machine the wall clock counts other processes' turns; CPU time does not.
    print(
        f"  CPU time of this process: {ms(cpu / len(latencies))} a document = {len(latencies) / cpu:.1f} documents "
        f"per CPU-second (load average now {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs)"
    )

    template = actions.template_in_force(bureau, "acceptance", dt.date(2025, 3, 3))
    notice = wording.compose("acceptance", template, wording.sample_values("acceptance", bureau))
    rare = wording.compose(
        "acceptance",
        template,
        {**wording.sample_values("acceptance", bureau), "applicant": "平罗县𠮷祥餐饮有限公司"},
    )
    code = "0123456789"
    kwargs = dict(
        heading=bureau.name,
        number="平审批受〔2025〕第000001号",
        dated_text=rules.chinese_date("2025-03-03"),
        code=code,
        url=actions.public_url(code),
        seal_name=seal.name,
        author=bureau.name,
    )
    render(rare, **kwargs)  # the rare character's cut, cached after its first use
    renders, rare_renders, signs = [], [], []
    for _ in range(n_split):
        t = time.process_time()
        rendered = render(notice, **kwargs)
        renders.append(time.process_time() - t)
        t = time.process_time()
        render(rare, **kwargs)
        rare_renders.append(time.process_time() - t)
        t = time.process_time()
        signing.sign_pdf(
            rendered.pdf,
            seal=seal,
            bureau=bureau,
            page=rendered.page,
            box=rendered.box,
            reason="受理通知书",
            location="平罗县",
        )
        signs.append(time.process_time() - t)
    per_doc, mean_render, mean_sign = (
        cpu / len(latencies),
        statistics.mean(renders),
        statistics.mean(signs),
    )
    print(
        f"split, CPU time (mean of {n_split}): render {ms(mean_render)} ({mean_render / per_doc:.0%}), "
        f"sign {ms(mean_sign)} ({mean_sign / per_doc:.0%}), "
        f"database + hash + storage + audit {ms(max(per_doc - mean_render - mean_sign, 0))}"
    )
    print(
        f"render with a rare character (𠮷, two fonts embedded), CPU time: {ms(statistics.mean(rare_renders))}"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--documents", type=int, default=100, help="documents issued end to end")
    parser.add_argument("--split", type=int, default=30, help="renders and signatures timed apart")
    args = parser.parse_args()

    scratch = tempfile.mkdtemp(prefix="oneseal-bench-documents-")
    given = os.environ.get("DATABASE_URL", "")
    postgres = given.startswith(("postgres://", "postgresql://"))
    if postgres:
        import psycopg

        with psycopg.connect(given, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{DB_NAME}"')
        os.environ["DATABASE_URL"] = given.rsplit("/", 1)[0] + "/" + DB_NAME
    else:
        os.environ["DATABASE_URL"] = f"sqlite:///{scratch}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "oneseal.settings")
    os.environ.setdefault("ONESEAL_DEBUG", "0")
    os.environ.setdefault("ONESEAL_SECRET_KEY", "bench-only-secret-key-" + "x" * 40)
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    settings.MEDIA_ROOT = os.path.join(scratch, "media")
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    try:
        call_command("migrate", verbosity=0)
        with connection.cursor() as cur:
            cur.execute("SHOW server_version" if postgres else "SELECT sqlite_version()")
            version = cur.fetchone()[0]
        print(f"{'PostgreSQL' if postgres else 'SQLite'} {version}, {os.cpu_count()} CPUs")
        world = make_world(args.documents + 1)
        bench(world, args.documents, args.split)
    finally:
        connection.close()
        if postgres:
            import psycopg

            with psycopg.connect(given, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')


if __name__ == "__main__":
    main()
