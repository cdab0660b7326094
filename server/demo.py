"""A realistic demo: Shiyan's counties, villages, two teams, a coordinator, four volunteers."""

from __future__ import annotations

import datetime as dt
import random
import uuid
from dataclasses import dataclass

from server.accounts import service as accounts
from server.accounts.tables import Account
from server.areas.tables import Area, Team
from server.audit import service as audit
from server.catalogues import service as catalogues
from server.db import write_transaction
from server.entries import service as entries
from server.households.tables import Household, Member
from server.pairings import pairing

COUNTIES = ["茅箭区", "张湾区", "郧阳区", "郧西县", "竹山县", "竹溪县", "房县", "丹江口市"]
TOWNSHIPS = {
    "郧阳区": {"大柳乡": ["华家河村", "大柳村", "刘家沟村"], "茶店镇": ["茶店村", "樱桃沟村"]},
    "房县": {"城关镇": ["西关村", "东城村"], "军店镇": ["下店子村"]},
    "竹山县": {"宝丰镇": ["宝丰村"]},
    "丹江口市": {"六里坪镇": ["孙家湾村"]},
}
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘"
GIVEN = [
    "建国",
    "秀英",
    "桂兰",
    "德明",
    "春华",
    "玉梅",
    "志强",
    "兰芳",
    "国平",
    "红霞",
    "永富",
    "金花",
    "家旺",
    "文清",
    "小军",
    "明珠",
]
RELATIONS = ["配偶", "子女", "子女", "孙子女", "父母"]
STATUSES = ["脱贫户", "监测户", "低保户", "一般户"]
NOTES = {
    "health": ["高血压，需定期送药", "腿脚不便", "慢性胃病"],
    "training": ["想学电工", "希望参加家政培训"],
    "livelihood": ["养了二十只鸡，想找销路", "茶叶需要收购"],
    "work_school": ["孩子上初中，缺学习用品", "儿子在外务工"],
}


@dataclass(frozen=True)
class DemoAccount:
    """An account the demo creates."""

    username: str
    display_name: str
    role: str
    team: str | None
    villages: tuple[str, ...]
    """Villages whose households are paired with this volunteer."""


DEMO_ACCOUNTS = [
    DemoAccount("coord", "郧阳区工作人员", "coordinator", None, ()),
    DemoAccount("vol1", "张志愿（队长）", "leader", "郧阳区志愿服务一队", ("华家河村", "大柳村")),
    DemoAccount("vol2", "李红梅", "volunteer", "郧阳区志愿服务一队", ("刘家沟村", "茶店村")),
    DemoAccount("vol3", "王建华", "volunteer", "房县志愿服务队", ("西关村", "东城村")),
    DemoAccount("vol4", "陈小兰", "volunteer", "房县志愿服务队", ("下店子村", "宝丰村")),
]
HOUSEHOLDS_EACH = 15
CATALOGUES = {
    "medicine": [
        ("硝苯地平缓释片", "10mg×30片", "盒"),
        ("二甲双胍片", "0.5g×60片", "盒"),
        ("阿司匹林肠溶片", "100mg×30片", "盒"),
        ("复方丹参滴丸", "27mg×180丸", "瓶"),
        ("布洛芬缓释胶囊", "0.3g×20粒", "盒"),
    ],
    "supplies": [
        ("写字本", "", "本"),
        ("棉袄", "儿童款", "件"),
        ("奶粉", "900g", "罐"),
        ("糖果", "500g", "袋"),
        ("书包", "", "个"),
        ("大米", "10kg", "袋"),
        ("食用油", "5L", "桶"),
    ],
    "products": [
        ("绿茶", "", "斤"),
        ("土鸡蛋", "", "个"),
        ("香菇", "干货", "斤"),
        ("土鸡", "", "只"),
        ("核桃", "", "斤"),
        ("蜂蜜", "", "斤"),
    ],
}
"""What the demo's catalogues hold: (name, specification, unit)."""


async def _areas() -> dict[str, int]:
    ids: dict[str, int] = {}

    async def add(name: str, level: str, parent: int | None, parent_path: str) -> int:
        rows = await Area.insert(Area(name=name, level=level, parent=parent, path="")).returning(
            Area.id
        )
        area_id = rows[0]["id"]
        path = f"{parent_path}{area_id}/"
        await Area.update({Area.path: path}).where(Area.id == area_id)
        await audit.record(None, "area.create", "area", area_id, after={"name": name, "path": path})
        ids[name] = area_id
        return area_id

    for county in COUNTIES:
        county_id = await add(county, "county", None, "/")
        for township, villages in TOWNSHIPS.get(county, {}).items():
            township_id = await add(township, "township", county_id, f"/{county_id}/")
            for village in villages:
                await add(village, "village", township_id, f"/{county_id}/{township_id}/")
    return ids


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


async def _households(rng: random.Random, areas: dict[str, int], volunteer: int, spec: DemoAccount):
    made = []
    for index in range(HOUSEHOLDS_EACH):
        village = spec.villages[index % len(spec.villages)]
        code = f"SY{areas[village]:03d}{spec.username[-1]}{index + 1:03d}"
        head = _name(rng)
        rows = await Household.insert(
            Household(
                code=code,
                head_name=head,
                village=areas[village],
                address=f"{village}{rng.randint(1, 12)}组{rng.randint(1, 60)}号",
                phone=f"13{rng.randint(0, 9)}{rng.randint(10_000_000, 99_999_999)}",
                poverty_status=rng.choice(STATUSES),
            )
        ).returning(Household.id)
        household_id = rows[0]["id"]
        members = [
            Member(
                household=household_id,
                name=head,
                relation="户主",
                birth_year=rng.randint(1945, 1985),
            )
        ]
        for _ in range(rng.randint(0, 4)):
            members.append(
                Member(
                    household=household_id,
                    name=_name(rng),
                    relation=rng.choice(RELATIONS),
                    birth_year=rng.randint(1940, 2020),
                )
            )
        await Member.insert(*members)
        await audit.record(
            None,
            "household.create",
            "household",
            household_id,
            after={"code": code, "head_name": head, "village": village},
        )
        made.append(household_id)
    # Through the service, so the volunteer's phone receives them at its first pull.
    await pairing.pair_many(None, volunteer, made)
    return made


def _visit_entry(rng: random.Random, household_id: int, when: dt.datetime, seed: str) -> dict:
    needs = {}
    for area, notes in NOTES.items():
        level = rng.choices(["none", "some", "urgent"], weights=[6, 3, 1])[0]
        needs[area] = {"level": level, "note": rng.choice(notes) if level != "none" else ""}
    follow_up = any(n["level"] == "urgent" for n in needs.values())
    stamp = when.isoformat(timespec="seconds")
    return {
        "id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"doorstep-demo/{seed}")),
        "kind": "visit",
        "schema": 1,
        "recorded_at": stamp,
        "data": {
            "household_id": str(household_id),
            "visited_at": stamp,
            "needs": needs,
            "follow_up": follow_up,
            "follow_up_note": "请协调医院送药上门" if follow_up else "",
        },
    }


async def load(password: str) -> bool:
    """Fill an empty database with the demo; returns False when it is already there."""
    if await Account.exists().where(Account.username == "coord"):
        return False
    rng = random.Random(20261129)
    volunteers: dict[str, tuple[int, list[int]]] = {}
    shared_hash = await accounts.hash_password(password)
    async with write_transaction():
        areas = await _areas()
        teams = {}
        for name, county in (("郧阳区志愿服务一队", "郧阳区"), ("房县志愿服务队", "房县")):
            rows = await Team.insert(Team(name=name, area=areas[county])).returning(Team.id)
            teams[name] = rows[0]["id"]
            await audit.record(None, "team.create", "team", rows[0]["id"], after={"name": name})
        for spec in DEMO_ACCOUNTS:
            account_id = await accounts.create_account(
                spec.username,
                password,
                display_name=spec.display_name,
                role=spec.role,
                team_id=teams.get(spec.team) if spec.team else None,
                area_ids=(areas["郧阳区"],) if spec.role == "coordinator" else (),
                password_hash=shared_hash,
            )
            if spec.villages:
                volunteers[spec.username] = (
                    account_id,
                    await _households(rng, areas, account_id, spec),
                )
    await _catalogues()
    await _past_visits(rng, volunteers)
    return True


async def _catalogues() -> None:
    coordinator = await Account.select(Account.id).where(Account.username == "coord").first()
    actor = await accounts.load_actor(coordinator["id"])
    assert actor is not None
    for catalogue, items in CATALOGUES.items():
        rows = [{"name": n, "specification": s, "unit": u} for n, s, u in items]
        await catalogues.add_rows(actor, catalogue, rows)


async def _past_visits(rng: random.Random, volunteers: dict[str, tuple[int, list[int]]]) -> None:
    today = dt.datetime.now(dt.timezone(dt.timedelta(hours=8))).replace(microsecond=0)
    for username, (account_id, household_ids) in volunteers.items():
        actor = await accounts.load_actor(account_id)
        assert actor is not None
        batch = []
        for index, household_id in enumerate(household_ids):
            for visit in range(index % 3):
                when = today - dt.timedelta(days=7 * (visit + 1) + rng.randint(0, 5), hours=index)
                batch.append(_visit_entry(rng, household_id, when, f"{username}/{index}/{visit}"))
        await entries.ingest(actor, batch, "zh_CN", device_id="demo")


def summary(password: str) -> str:
    """The demo logins, for the console."""
    lines = [f"Demo accounts (password: {password}):"]
    for spec in DEMO_ACCOUNTS:
        lines.append(f"  {spec.username:6} {spec.role:12} {spec.display_name}")
    return "\n".join(lines)
