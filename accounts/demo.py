# The Chinese strings use Chinese full-width punctuation on purpose.
# ruff: noqa: RUF001
"""Demo data for the accounts app: the demo logins, and customer accounts with their teams, three
years of transactions and complaints.

The same seed gives the same data (on the same day: dates count back from today). Rows go in with
bulk inserts, batch by batch, so 100,000 accounts load in minutes and memory stays flat. Names come
from the word lists below rather than Faker: Faker is a test-only dependency, missing after the
plain install `make run` does, and region- and industry-aware lists read more like real customers.
"""

import copy
import math
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import connection, reset_queries
from django.utils import timezone

from accounts import access
from accounts.models import (
    Account,
    AccountTeamMember,
    Category,
    Complaint,
    ComplaintCategory,
    ComplaintStatus,
    ConflictMode,
    Industry,
    Region,
    Severity,
    TeamRole,
    Tier,
    Transaction,
    User,
)

DEMO_PASSWORD = "kam-demo-2026"
ACCOUNT_BATCH = 1000
INSERT_BATCH = 5000
TRADING_DAYS = 3 * 365


@dataclass(frozen=True)
class DemoPerson:
    username: str
    last_name: str
    first_name: str
    role: str
    email: str


DEMO_LOGINS = (
    DemoPerson("manager", "张", "伟", access.ACCOUNT_MANAGER, "zhang.wei@example.com"),
    DemoPerson("manager2", "李", "娜", access.ACCOUNT_MANAGER, "li.na@example.com"),
    DemoPerson("director", "王", "芳", access.SALES_DIRECTOR, "wang.fang@example.com"),
    DemoPerson("admin", "赵", "磊", access.KAM_ADMIN, "zhao.lei@example.com"),
)
# Own the bulk of the accounts, so the two demo managers keep a portfolio one person could run.
EXTRA_MANAGERS = tuple(
    DemoPerson(username, last, first, access.ACCOUNT_MANAGER, f"{username}@example.com")
    for username, last, first in (
        ("liu.yang", "刘", "洋"),
        ("chen.jing", "陈", "静"),
        ("yang.fan", "杨", "帆"),
        ("huang.min", "黄", "敏"),
        ("zhou.qiang", "周", "强"),
        ("wu.xia", "吴", "霞"),
        ("xu.lei", "徐", "磊"),
        ("sun.li", "孙", "丽"),
    )
)
DEMO_PEOPLE = DEMO_LOGINS + EXTRA_MANAGERS
DEMO_MANAGERS = ("manager", "manager2")


@dataclass
class DemoContext:
    """What every demo step shares: the seed, the size, today, and the demo users once created."""

    seed: int
    account_count: int
    today: date = field(default_factory=timezone.localdate)
    users: dict[str, User] = field(default_factory=dict)
    progress: Callable[[str], None] = field(default=lambda message: None)

    def rng(self, step: str) -> random.Random:
        # One generator per step: a step added later leaves the other steps' data unchanged.
        return random.Random(f"{self.seed}:{step}")


def database_has_accounts() -> bool:
    return Account.objects.exists()


def delete_demo_data() -> None:
    """Empty the accounts app's tables and remove the demo users.

    Plain DELETE statements: the ORM would load every row to send simple-history's delete signals
    and write a "deleted" history row for each."""
    models = [Transaction, Complaint, AccountTeamMember, Account]
    tables = [model.history.model._meta.db_table for model in models[1:]]
    tables += [model._meta.db_table for model in models]
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(table)}")
    User.objects.filter(username__in=[person.username for person in DEMO_PEOPLE]).delete()


def create_demo_users(context: DemoContext) -> dict[str, int]:
    # Hashing is slow on purpose; one hash serves every demo user (same password, same salt).
    password = make_password(DEMO_PASSWORD)
    groups = {name: Group.objects.get_or_create(name=name)[0] for name in access.ROLES}
    for person in DEMO_PEOPLE:
        user = User.objects.filter(username=person.username).first() or User(
            username=person.username
        )
        user.first_name = person.first_name
        user.last_name = person.last_name
        user.email = person.email
        user.language = ""
        user.is_active = True
        user.is_staff = user.is_superuser = person.role == access.KAM_ADMIN
        user.password = password
        user.save()
        user.groups.set([groups[person.role]])
        context.users[person.username] = user
    return {"users": len(DEMO_PEOPLE)}


# --- Word lists -----------------------------------------------------------------------------------


def _pairs(text: str) -> tuple[tuple[str, str], ...]:
    return tuple(tuple(item.split(":")) for item in text.split())


CITIES = {
    Region.NORTH: _pairs("北京:beijing 天津:tianjin 石家庄:shijiazhuang 太原:taiyuan 唐山:tangshan"
                         " 保定:baoding 呼和浩特:huhehaote"),
    Region.EAST: _pairs("上海:shanghai 苏州:suzhou 杭州:hangzhou 南京:nanjing 宁波:ningbo 无锡:wuxi"
                        " 合肥:hefei 济南:jinan 青岛:qingdao 福州:fuzhou 厦门:xiamen 常州:changzhou"
                        " 温州:wenzhou"),
    Region.SOUTH: _pairs("广州:guangzhou 深圳:shenzhen 东莞:dongguan 佛山:foshan 珠海:zhuhai"
                         " 南宁:nanning 海口:haikou"),
    Region.CENTRAL: _pairs("武汉:wuhan 长沙:changsha 郑州:zhengzhou 南昌:nanchang 洛阳:luoyang"
                           " 株洲:zhuzhou"),
    Region.SOUTHWEST: _pairs("成都:chengdu 重庆:chongqing 昆明:kunming 贵阳:guiyang 绵阳:mianyang"),
    Region.NORTHWEST: _pairs("西安:xian 兰州:lanzhou 银川:yinchuan 乌鲁木齐:wulumuqi 西宁:xining"),
    Region.NORTHEAST: _pairs("沈阳:shenyang 大连:dalian 长春:changchun 哈尔滨:haerbin 鞍山:anshan"),
}  # fmt: skip
OVERSEAS_PLACES = (
    ("Singapore", "Pte. Ltd."),
    ("Malaysia", "Sdn. Bhd."),
    ("Thailand", "Co., Ltd."),
    ("Vietnam", "Co., Ltd."),
    ("Indonesia", "PT"),
    ("UAE", "LLC"),
    ("Saudi Arabia", "LLC"),
    ("Germany", "GmbH"),
)
BRANDS = _pairs(
    "恒达:hengda 华盛:huasheng 鼎新:dingxin 金桥:jinqiao 宏远:hongyuan 瑞丰:ruifeng 中科:zhongke"
    " 天成:tiancheng 长江:changjiang 东方:dongfang 海川:haichuan 佳禾:jiahe 永泰:yongtai 信达:xinda"
    " 博远:boyuan 安瑞:anrui 华信:huaxin 德胜:desheng 凯盛:kaisheng 汇通:huitong 明辉:minghui"
    " 远航:yuanhang 盛世:shengshi 润泽:runze 九州:jiuzhou 万通:wantong 嘉诚:jiacheng 立信:lixin"
    " 启明:qiming 星河:xinghe 同创:tongchuang 鸿运:hongyun 华腾:huateng 科瑞:kerui 泰和:taihe"
    " 中天:zhongtian 蓝海:lanhai 银河:yinhe 北辰:beichen 卓越:zhuoyue 众诚:zhongcheng 富川:fuchuan"
    " 弘毅:hongyi 锦程:jincheng 天润:tianrun 恒昌:hengchang 中联:zhonglian 新宇:xinyu"
    " 广源:guangyuan"
)
ENGLISH_BRANDS = (
    "Helvion", "Nordwell", "Kestrel", "Valtara", "Brightmoor", "Sternhaus", "Aurelian", "Corvane",
    "Meridex", "Lindqvist", "Tessaro", "Kaltberg", "Quintara", "Westbrook", "Halden", "Norvik",
    "Ardent", "Calloway", "Veridian", "Osterfeld",
)  # fmt: skip
# Per industry: "Chinese:English" business lines.
_BUSINESS_WORDS = {
    Industry.MANUFACTURING: "精密机械:Precision_Machinery 汽车零部件:Auto_Parts"
    " 电子科技:Electronics 重工:Heavy_Industries 化工:Chemicals 新材料:Advanced_Materials"
    " 智能装备:Automation 纺织:Textiles 电气:Electric",
    Industry.TELECOM: "通信技术:Communications 网络科技:Networks 信息技术:Information_Technology"
    " 数据科技:Data_Systems 光电:Photonics 云计算:Cloud_Services",
    Industry.FINANCE: "证券:Securities 保险:Insurance 融资租赁:Leasing 信托:Trust"
    " 消费金融:Consumer_Finance 资产管理:Asset_Management",
    Industry.RETAIL: "超市:Supermarkets 百货:Department_Stores 电器:Appliances 商贸:Trading"
    " 连锁药房:Pharmacies 便利店:Convenience_Stores",
    Industry.ENERGY: "新能源:New_Energy 光伏:Solar 燃气:Gas 电力:Power 石化:Petrochemicals"
    " 储能:Energy_Storage",
    Industry.HEALTHCARE: "医药:Pharmaceuticals 生物科技:Biotech 医疗器械:Medical_Devices"
    " 医疗科技:Health_Technology",
    Industry.OTHER: "物流:Logistics 建设工程:Construction 传媒:Media 置业:Properties",
}
BUSINESSES = {
    industry: tuple((zh, en.replace("_", " ")) for zh, en in _pairs(text))
    for industry, text in _BUSINESS_WORDS.items()
}
# Public bodies, named the way they are: no company suffix. (name, web abbreviation)
BUREAUS = _pairs(
    "大数据管理局:dsj 公安局:gaj 交通运输局:jtj 税务局:sw 政务服务管理办公室:zwfw 应急管理局:yjj"
    " 住房和城乡建设局:zjj 卫生健康委员会:wjw 生态环境局:sthj 教育局:jyj"
)
SCHOOLS = _pairs(
    "理工大学:lg 师范大学:nu 职业技术学院:vtc 外国语学院:fl 财经大学:ufe 医科大学:mu 第一中学:yz"
)
HOSPITALS = _pairs("中心医院:zxyy 人民医院:rmyy 妇幼保健院:fybj 中医院:zyy 肿瘤医院:zlyy")
REGION_WORDS = {
    Region.NORTH: "华北",
    Region.EAST: "华东",
    Region.SOUTH: "华南",
    Region.CENTRAL: "华中",
    Region.SOUTHWEST: "西南",
    Region.NORTHWEST: "西北",
    Region.NORTHEAST: "东北",
}
INDUSTRY_WORDS = {
    Industry.MANUFACTURING: "制造业",
    Industry.TELECOM: "通信行业",
    Industry.FINANCE: "金融行业",
    Industry.GOVERNMENT: "政府机构",
    Industry.EDUCATION: "教育行业",
    Industry.RETAIL: "零售行业",
    Industry.ENERGY: "能源行业",
    Industry.HEALTHCARE: "医疗行业",
    Industry.OTHER: "综合",
}

REGION_WEIGHTS = {
    Region.EAST: 30,
    Region.SOUTH: 18,
    Region.NORTH: 16,
    Region.CENTRAL: 10,
    Region.SOUTHWEST: 9,
    Region.NORTHWEST: 5,
    Region.NORTHEAST: 6,
    Region.OVERSEAS: 6,
}
INDUSTRY_WEIGHTS = {
    Industry.MANUFACTURING: 28,
    Industry.RETAIL: 11,
    Industry.FINANCE: 10,
    Industry.GOVERNMENT: 10,
    Industry.HEALTHCARE: 10,
    Industry.TELECOM: 9,
    Industry.ENERGY: 9,
    Industry.EDUCATION: 8,
    Industry.OTHER: 5,
}
PUBLIC_INDUSTRIES = (Industry.GOVERNMENT, Industry.EDUCATION)
# log10 of revenue (or budget), relative to a typical 400 million yuan customer.
INDUSTRY_SIZE = {
    Industry.ENERGY: 0.45,
    Industry.FINANCE: 0.4,
    Industry.TELECOM: 0.35,
    Industry.GOVERNMENT: 0.15,
    Industry.RETAIL: 0.05,
    Industry.MANUFACTURING: 0.0,
    Industry.OTHER: -0.05,
    Industry.HEALTHCARE: -0.1,
    Industry.EDUCATION: -0.15,
}
REVENUE_PER_EMPLOYEE = {
    Industry.ENERGY: 3_000_000,
    Industry.FINANCE: 2_800_000,
    Industry.TELECOM: 2_000_000,
    Industry.RETAIL: 1_500_000,
    Industry.MANUFACTURING: 900_000,
    Industry.OTHER: 1_000_000,
    Industry.HEALTHCARE: 600_000,
    Industry.GOVERNMENT: 500_000,
    Industry.EDUCATION: 400_000,
}
TIER_SHARES = (("platinum", 0.05), ("gold", 0.20), ("iron", 0.60), ("lead", 1.0))
ORDERS_PER_3_YEARS = {"platinum": (32, 40), "gold": (24, 34), "iron": (16, 28), "lead": (8, 18)}
# Chinese New Year empties January and February; year-end budgets fill the fourth quarter.
MONTH_ORDER_WEIGHT = (0, 0.6, 0.45, 0.95, 1.0, 1.0, 1.1, 0.9, 0.9, 1.05, 0.95, 1.15, 1.4)
MONTH_AMOUNT_FACTOR = (0, 0.85, 0.8, 1.0, 1.0, 1.0, 1.05, 0.95, 0.95, 1.0, 1.0, 1.1, 1.3)

COMPLAINT_TEXTS = {
    ComplaintCategory.PRODUCT: (
        ("来料批次尺寸超差", "Incoming batch out of tolerance"),
        ("设备运行三天后故障", "Unit failed after three days in service"),
        ("包装破损导致产品受潮", "Damaged packaging let moisture in"),
        ("新版固件运行不稳定", "New firmware release is unstable"),
    ),
    ComplaintCategory.DELIVERY: (
        ("交货延迟两周", "Delivery two weeks late"),
        ("发货数量与订单不符", "Shipped quantity does not match the order"),
        ("货物送错收货地址", "Goods shipped to the wrong site"),
        ("春节前备货未按时到位", "Pre-holiday stock did not arrive on time"),
    ),
    ComplaintCategory.SERVICE: (
        ("售后工程师未按约上门", "Service engineer missed the appointment"),
        ("服务热线长时间无人接听", "Support hotline not answering"),
        ("培训内容与实际版本不符", "Training did not match the installed version"),
    ),
    ComplaintCategory.BILLING: (
        ("发票金额与合同不符", "Invoice amount mismatch"),
        ("同一订单重复开票", "Duplicate invoice for one order"),
        ("季度返利未按时结算", "Quarterly rebate not settled"),
    ),
    ComplaintCategory.STAFF: (
        ("销售代表回复不及时", "Sales rep slow to respond"),
        ("现场人员态度生硬", "Site staff were rude to the customer"),
    ),
    ComplaintCategory.OTHER: (
        ("合同续签流程过长", "Contract renewal is taking too long"),
        ("报价单有效期过短", "Quote validity period too short"),
    ),
}
RESOLUTIONS = {
    ComplaintCategory.PRODUCT: (
        "已更换整批货物，并加强出厂检验。",
        "Replaced the batch and tightened outgoing inspection.",
    ),
    ComplaintCategory.DELIVERY: (
        "已加急补发，并更换物流承运商。",
        "Expedited a replacement shipment and changed carrier.",
    ),
    ComplaintCategory.SERVICE: (
        "重新安排工程师上门，并向客户致歉。",
        "Rescheduled the engineer visit and apologised to the customer.",
    ),
    ComplaintCategory.BILLING: (
        "已作废原发票并重新开具，财务已确认。",
        "Cancelled and reissued the invoice; finance confirmed.",
    ),
    ComplaintCategory.STAFF: (
        "已与相关人员沟通并调整对接人。",
        "Spoke with the staff involved and changed the contact person.",
    ),
    ComplaintCategory.OTHER: (
        "已简化流程，并与客户确认新的时间表。",
        "Simplified the process and agreed a new timeline with the customer.",
    ),
}
COMPLAINT_CATEGORY_WEIGHTS = {
    ComplaintCategory.DELIVERY: 30,
    ComplaintCategory.PRODUCT: 25,
    ComplaintCategory.SERVICE: 18,
    ComplaintCategory.BILLING: 15,
    ComplaintCategory.STAFF: 6,
    ComplaintCategory.OTHER: 6,
}
SEVERITY_DAYS = {Severity.CRITICAL: 3, Severity.HIGH: 7, Severity.MEDIUM: 14, Severity.LOW: 30}
SEVERITY_WEIGHTS = {Severity.LOW: 30, Severity.MEDIUM: 45, Severity.HIGH: 20, Severity.CRITICAL: 5}


# --- Portfolio plan: what must be decided across all accounts before any is built ----------------


@dataclass(slots=True)
class _Plan:
    industry: str
    region: str
    log_revenue: float
    tier: str = "lead"
    category: str = Category.NORMAL
    owner: str | None = None
    demo_team: list[tuple[str, str]] = field(default_factory=list)


def _pick(rng: random.Random, weights: dict):
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _plan_portfolio(rng: random.Random, count: int) -> list[_Plan]:
    company_industries = {k: w for k, w in INDUSTRY_WEIGHTS.items() if k not in PUBLIC_INDUSTRIES}
    plans = []
    for _ in range(count):
        region = _pick(rng, REGION_WEIGHTS)
        industry = _pick(rng, company_industries if region == Region.OVERSEAS else INDUSTRY_WEIGHTS)
        log_revenue = min(11.3, max(7.0, rng.gauss(8.6 + INDUSTRY_SIZE[industry], 0.65)))
        plans.append(_Plan(industry, region, log_revenue))

    by_revenue = sorted(range(count), key=lambda i: -plans[i].log_revenue)
    for rank, i in enumerate(by_revenue):
        plans[i].tier = next(code for code, share in TIER_SHARES if rank < share * count)

    # Weighted sampling without replacement: mostly the biggest customers become key accounts.
    def key_weight(rank):
        return 20 if rank < 0.2 * count else 2 if rank < 0.5 * count else 0.3

    key_order = sorted(range(count), key=lambda rank: -(rng.random() ** (1 / key_weight(rank))))
    key_count = max(1, round(count * 0.10))
    for rank in key_order[:key_count]:
        plans[by_revenue[rank]].category = Category.KEY
    others = [i for i in range(count) if plans[i].category != Category.KEY]
    rng.shuffle(others)
    target_count, lost_count = round(count * 0.2), round(count * 0.1)
    for i in others[:target_count]:
        plans[i].category = Category.TARGET
    for i in others[target_count : target_count + lost_count]:
        plans[i].category = Category.LOST

    _assign_owners(rng, plans, key_count)
    return plans


def _assign_owners(rng: random.Random, plans: list[_Plan], key_count: int) -> None:
    unowned_chance = {Category.TARGET: 0.15, Category.LOST: 0.3}
    owned = [
        i for i, plan in enumerate(plans) if rng.random() >= unowned_chance.get(plan.category, 0)
    ]
    first_quota = min(len(owned), max(2, round(len(plans) * 0.055)))
    second_quota = min(len(owned) - first_quota, max(2, round(len(plans) * 0.045)))
    extra_names = [person.username for person in EXTRA_MANAGERS]
    extra_load = [rng.uniform(0.6, 1.4) for _ in extra_names]
    slots = ["manager"] * first_quota + ["manager2"] * second_quota
    slots += rng.choices(extra_names, weights=extra_load, k=len(owned) - len(slots))
    rng.shuffle(slots)
    for i, username in zip(owned, slots, strict=True):
        plans[i].owner = username

    first_keys = min(5, math.ceil(key_count * 0.4), first_quota)
    _give_key_accounts(plans, owned, "manager", first_keys)
    _give_key_accounts(plans, owned, "manager2", min(4, key_count - first_keys, second_quota))

    # Shared accounts, so each demo manager sees one the other owns.
    first_accounts = [i for i in owned if plans[i].owner == "manager"]
    second_accounts = [i for i in owned if plans[i].owner == "manager2"]
    first_accounts.sort(key=lambda i: plans[i].category != Category.KEY)
    second_accounts.sort(key=lambda i: plans[i].category != Category.KEY)
    if first_accounts:
        plans[first_accounts[0]].demo_team += [
            ("manager2", TeamRole.MEMBER),
            ("director", TeamRole.EXECUTIVE_SPONSOR),
        ]
    if second_accounts:
        plans[second_accounts[0]].demo_team.append(("manager", TeamRole.MEMBER))


def _give_key_accounts(plans, owned, username, wanted) -> None:
    """Swap owners until `username` owns `wanted` key accounts, keeping everyone's account count."""
    has = sum(1 for i in owned if plans[i].owner == username and plans[i].category == Category.KEY)
    donors = [
        i
        for i in owned
        if plans[i].category == Category.KEY and plans[i].owner not in DEMO_MANAGERS
    ]
    spares = [i for i in owned if plans[i].owner == username and plans[i].category != Category.KEY]
    for donor, spare in zip(donors[: max(0, wanted - has)], spares, strict=False):
        plans[spare].owner, plans[donor].owner = plans[donor].owner, username


# --- Building the rows ---------------------------------------------------------------------------


@dataclass(slots=True)
class _Trading:
    """How one account buys and pays, decided once and used for each of its orders."""

    first_day: date
    last_day: date
    orders: int
    order_size: float
    yearly_growth: float
    margin_rate: float
    payment_days: int
    payer: str
    stops_paying: bool

    def days_late(self, rng: random.Random) -> int:
        if self.payer == "punctual":
            return round(rng.gauss(-2, 5))
        if self.payer == "slow":
            return rng.randint(15, 90)
        return rng.randint(0, 25)


def _money(yuan: float) -> Decimal:
    return Decimal(round(yuan * 100)).scaleb(-2)


def _round_to(value: float, digits: int = 2) -> int:
    """Round to `digits` significant figures, the way people quote sizes."""
    if value <= 0:
        return 0
    magnitude = 10 ** (int(math.log10(value)) - digits + 1)
    return int(round(value / magnitude) * magnitude)


class _Builder:
    def __init__(self, context: DemoContext, rng: random.Random):
        self.context = context
        self.rng = rng
        self.today = context.today
        self.tz = timezone.get_current_timezone()
        self.users = context.users
        self.tiers = _tiers()
        self.used_names: set[str] = set()
        self.order_number = 0
        self.manager_names = DEMO_MANAGERS + tuple(p.username for p in EXTRA_MANAGERS)

    def at(self, day: date, hour: int = 10) -> datetime:
        return datetime.combine(day, time(hour, self.rng.randrange(60)), tzinfo=self.tz)

    def account(self, index: int, plan: _Plan) -> tuple[Account, _Trading | None]:
        rng = self.rng
        revenue = _round_to(10**plan.log_revenue, 3)
        english = plan.region == Region.OVERSEAS or (
            plan.industry not in PUBLIC_INDUSTRIES and rng.random() < 0.1
        )
        is_listed = plan.industry not in PUBLIC_INDUSTRIES and rng.random() < (
            0.75 if revenue > 5e9 else 0.3 if revenue > 1e9 else 0.04
        )
        name, legal_name, website, business = self.names(plan, english, is_listed, revenue)
        staff = revenue / REVENUE_PER_EMPLOYEE[plan.industry] * rng.uniform(0.7, 1.4)
        employees = max(12 if business else 150, round(staff))
        capital = None if not business else _round_to(revenue * rng.uniform(0.04, 0.3))
        if revenue < 1e8 and rng.random() < 0.4:
            website = ""
        trading = self.trading(plan, revenue)
        if trading is None:
            created_day = self.today - timedelta(days=rng.randint(20, 540))
        else:
            created_day = max(
                trading.first_day - timedelta(days=rng.randint(0, 400)),
                self.today - timedelta(days=6 * 365),
            )
        headcount = _round_to(employees, 2)
        if english:
            description = f"{business} company, about {headcount:,} employees."
        else:
            line_of_business = f"主营{business}，" if business else ""
            region_word = REGION_WORDS.get(plan.region, "")
            description = (
                f"{region_word}{INDUSTRY_WORDS[plan.industry]}客户，{line_of_business}"
                f"员工约{headcount:,}人。"
            )
        account = Account(
            name=name,
            legal_name=legal_name,
            external_id=f"C{index + 1:06d}",
            industry=plan.industry,
            region=plan.region,
            category=plan.category,
            tier=self.tiers[plan.tier],
            owner=self.users[plan.owner] if plan.owner else None,
            employees=employees,
            annual_revenue=Decimal(revenue),
            registered_capital=None if capital is None else Decimal(capital),
            is_listed=is_listed,
            website=website,
            description=description,
            created_at=self.at(created_day),
        )
        return account, trading

    def names(self, plan: _Plan, english: bool, is_listed: bool, revenue: float):
        for _ in range(8):
            names = self._names_once(plan, english, is_listed, revenue)
            if names[0] not in self.used_names:
                break
        self.used_names.add(names[0])
        return names

    def _names_once(self, plan, english, is_listed, revenue):
        rng = self.rng
        if english:
            brand = rng.choice(ENGLISH_BRANDS)
            business = rng.choice(BUSINESSES[plan.industry])[1]
            site = f"https://www.{brand.lower()}.com"
            if plan.region == Region.OVERSEAS:
                country, suffix = rng.choice(OVERSEAS_PLACES)
                legal = (
                    f"PT {brand} {business} {country}"
                    if suffix == "PT"
                    else (f"{brand} {business} {suffix}")
                )
                return f"{brand} {business} {country}", legal, site, business
            city = rng.choice(CITIES[plan.region])[1].title()
            return (
                f"{brand} {business} China",
                f"{brand} {business} ({city}) Co., Ltd.",
                f"{site}/cn",
                business,
            )
        city, city_web = rng.choice(CITIES[plan.region])
        if plan.industry == Industry.GOVERNMENT:
            bureau, web = rng.choice(BUREAUS)
            name = f"{city}{'' if city.endswith('市') else '市'}{bureau}"
            return name, name, f"https://{web}.{city_web}.gov.cn", ""
        if plan.industry == Industry.EDUCATION:
            school, web = rng.choice(SCHOOLS)
            name = f"{city}{school}"
            return name, name, f"https://www.{city_web}{web}.edu.cn", ""
        if plan.industry == Industry.HEALTHCARE and not is_listed and rng.random() < 0.4:
            hospital, web = rng.choice(HOSPITALS)
            name = f"{city}市{hospital}"
            return name, name, f"https://www.{city_web}{web}.com", ""
        brand, brand_web = rng.choice(BRANDS)
        business = rng.choice(BUSINESSES[plan.industry])[0]
        name = f"{city}{brand}{business}"
        group = "集团" if revenue > 1e10 else ""
        suffix = f"{group}股份有限公司" if is_listed else f"{group}有限公司"
        domain = rng.choice((".com", ".com.cn", ".cn"))
        return name, f"{name}{suffix}", f"https://www.{brand_web}{domain}", business

    def trading(self, plan: _Plan, revenue: float) -> _Trading | None:
        if plan.category == Category.TARGET:
            return None
        rng = self.rng
        window_start = self.today - timedelta(days=TRADING_DAYS)
        first_day = window_start
        if plan.category != Category.KEY and rng.random() < 0.25:
            first_day += timedelta(days=rng.randint(30, 700))
        last_day = self.today
        if plan.category == Category.LOST:
            last_day -= timedelta(days=rng.randint(180, 540))
            first_day = min(first_day, last_day - timedelta(days=180))
        low, high = ORDERS_PER_3_YEARS[plan.tier]
        active_share = (last_day - first_day).days / TRADING_DAYS
        orders = max(2, round(rng.randint(low, high) * active_share))
        share_of_revenue = rng.lognormvariate(math.log(0.0025), 0.5)
        if plan.category == Category.KEY:
            share_of_revenue *= 2.5
        yearly_spend = revenue * share_of_revenue
        orders_per_year = orders / max(0.5, (last_day - first_day).days / 365)
        if plan.industry in PUBLIC_INDUSTRIES:
            payment_days = rng.choice((60, 90, 90))
        else:
            payment_days = rng.choice((30, 60, 60, 90))
        return _Trading(
            first_day=first_day,
            last_day=last_day,
            orders=orders,
            order_size=yearly_spend / orders_per_year,
            yearly_growth=rng.uniform(-0.25, -0.05)
            if plan.category == Category.LOST
            else rng.uniform(-0.1, 0.3),
            margin_rate=rng.uniform(0.14, 0.34),
            payment_days=payment_days,
            payer=_pick(rng, {"punctual": 60, "late": 30, "slow": 10}),
            stops_paying=plan.category == Category.LOST and rng.random() < 0.3,
        )

    def order_days(self, trading: _Trading) -> list[date]:
        rng = self.rng
        span = (trading.last_day - trading.first_day).days
        days = []
        while len(days) < trading.orders:
            day = trading.first_day + timedelta(days=rng.randint(0, span))
            if rng.random() * 1.4 < MONTH_ORDER_WEIGHT[day.month]:
                days.append(day)
        days.sort()
        return days

    def transactions(self, account: Account, trading: _Trading) -> list[Transaction]:
        rng = self.rng
        rows = []
        days = self.order_days(trading)
        unpaid_from = len(days) - rng.randint(1, 3) if trading.stops_paying else len(days)
        for position, day in enumerate(days):
            years_in = (day - trading.first_day).days / 365
            size = (
                trading.order_size
                * (1 + trading.yearly_growth) ** years_in
                * MONTH_AMOUNT_FACTOR[day.month]
                * rng.lognormvariate(0, 0.45)
            )
            amount_yuan = max(500, round(size, -1 if size < 100_000 else -2))
            margin_rate = min(0.4, max(0.1, trading.margin_rate + rng.gauss(0, 0.04)))
            returned = 0.0
            roll = rng.random()
            if roll < 0.004:
                returned = amount_yuan
            elif roll < 0.04:
                returned = round(amount_yuan * rng.uniform(0.02, 0.3))
            due = day + timedelta(days=trading.payment_days)
            paid_on = due + timedelta(days=trading.days_late(rng))
            paid_on = max(paid_on, day)
            if paid_on > self.today or position >= unpaid_from or rng.random() < 0.003:
                paid_on = None
            self.order_number += 1
            rows.append(
                Transaction(
                    account=account,
                    date=day,
                    reference=f"SO{day:%y%m}-{self.order_number:07d}",
                    amount=_money(amount_yuan),
                    gross_margin=_money(amount_yuan * margin_rate),
                    returned_amount=_money(returned),
                    invoice_due=due,
                    paid_on=paid_on,
                    created_at=self.at(day),
                )
            )
        return rows

    def complaints(self, account: Account, plan: _Plan, trading: _Trading) -> list[Complaint]:
        rng = self.rng
        expected = 0.3 + trading.orders / 25
        if plan.category == Category.LOST:
            expected *= 2
        span = (min(self.today, trading.last_day + timedelta(days=30)) - trading.first_day).days
        opened_days = [
            trading.first_day + timedelta(days=rng.randint(0, span))
            for _ in range(min(8, int(rng.expovariate(1 / expected))))
        ]
        # A few complaints still being worked on, so open ones are not all long overdue.
        if plan.category != Category.LOST and rng.random() < 0.06:
            opened_days.append(self.today - timedelta(days=rng.randint(0, 20)))
        english = account.name.isascii()
        rows = []
        for opened in opened_days:
            category = _pick(rng, COMPLAINT_CATEGORY_WEIGHTS)
            severity = _pick(rng, SEVERITY_WEIGHTS)
            title_zh, title_en = rng.choice(COMPLAINT_TEXTS[category])
            due = opened + timedelta(days=SEVERITY_DAYS[severity])
            age = (self.today - opened).days
            resolved = rng.random() < (0.97 if age > 120 else 0.8 if age > 30 else 0.3)
            complaint = Complaint(
                account=account,
                title=title_en if english else title_zh,
                description=(
                    f"Customer reported: {title_en.lower()}."
                    if english
                    else f"客户反馈：{title_zh}，要求尽快处理。"
                ),
                category=category,
                severity=severity,
                opened_on=opened,
                owner=account.owner,
                due_on=due,
                status=ComplaintStatus.OPEN,
            )
            if resolved:
                days_taken = rng.randint(1, SEVERITY_DAYS[severity] * 2)
                complaint.status = ComplaintStatus.RESOLVED
                complaint.resolved_on = min(self.today, opened + timedelta(days=days_taken))
                complaint.resolution = RESOLUTIONS[category][1 if english else 0]
                if rng.random() < 0.3:
                    complaint.conflict_mode = rng.choice(ConflictMode.values)
            elif rng.random() < 0.5:
                complaint.status = ComplaintStatus.IN_PROGRESS
            rows.append(complaint)
        return rows

    def team(self, account: Account, plan: _Plan) -> list[AccountTeamMember]:
        rng = self.rng
        wanted = list(plan.demo_team)
        if plan.category == Category.KEY:
            if rng.random() < 0.4:
                wanted.append(("director", TeamRole.EXECUTIVE_SPONSOR))
            for username in rng.sample(self.manager_names, rng.randint(1, 2)):
                wanted.append((username, TeamRole.MEMBER))
        elif account.owner_id and rng.random() < 0.08:
            wanted.append((rng.choice(self.manager_names), TeamRole.MEMBER))
        joined_after = account.created_at.date()
        span = max(0, (self.today - joined_after).days)
        members, seen = [], {plan.owner}
        for username, role in wanted:
            if username in seen:
                continue
            seen.add(username)
            members.append(
                AccountTeamMember(
                    account=account,
                    user=self.users[username],
                    role=role,
                    joined_on=joined_after + timedelta(days=rng.randint(0, span)),
                )
            )
        return members


def _tiers() -> dict[str, Tier]:
    defaults = {
        "platinum": ("Platinum", "铂金", 1),
        "gold": ("Gold", "黄金", 2),
        "iron": ("Iron", "钢铁", 3),
        "lead": ("Lead", "重铅", 4),
    }
    return {
        code: Tier.objects.get_or_create(
            code=code, defaults={"name": name, "name_zh_hans": name_zh, "rank": rank}
        )[0]
        for code, (name, name_zh, rank) in defaults.items()
    }


def create_accounts(context: DemoContext) -> dict[str, int]:
    """Accounts with their teams, transactions and complaints. Needs create_demo_users first."""
    rng = context.rng("accounts")
    plans = _plan_portfolio(rng, context.account_count)
    builder = _Builder(context, rng)
    counts = dict.fromkeys(("accounts", "team members", "transactions", "complaints"), 0)
    for start in range(0, len(plans), ACCOUNT_BATCH):
        batch = plans[start : start + ACCOUNT_BATCH]
        built = [builder.account(start + offset, plan) for offset, plan in enumerate(batch)]
        accounts = Account.objects.bulk_create([account for account, _ in built])
        members, complaints, orders = [], [], []
        for account, plan, (_, trading) in zip(accounts, batch, built, strict=True):
            members += builder.team(account, plan)
            if trading is not None:
                orders += builder.transactions(account, trading)
                complaints += builder.complaints(account, plan, trading)
            if len(orders) >= INSERT_BATCH:
                Transaction.objects.bulk_create(orders, batch_size=INSERT_BATCH)
                counts["transactions"] += len(orders)
                orders = []
        Transaction.objects.bulk_create(orders, batch_size=INSERT_BATCH)
        AccountTeamMember.objects.bulk_create(members, batch_size=INSERT_BATCH)
        Complaint.objects.bulk_create(complaints, batch_size=INSERT_BATCH)
        _record_demo_history(builder, accounts, batch, members, complaints)
        counts["accounts"] += len(accounts)
        counts["team members"] += len(members)
        counts["transactions"] += len(orders)
        counts["complaints"] += len(complaints)
        context.progress(f"{counts['accounts']:,} of {len(plans):,} accounts")
        # With DEBUG on, Django keeps the SQL of the last 9,000 queries: bulk inserts add up.
        reset_queries()
    return counts


def _record_demo_history(builder, accounts, plans, members, complaints) -> None:
    """History rows for what the demo managers can see, dated when things happened, so the
    History tab tells a story. Every other account skips history, as bulk inserts do."""
    users = builder.users
    shown = {
        account.pk
        for account, plan in zip(accounts, plans, strict=True)
        if plan.owner in DEMO_MANAGERS
    }
    shown |= {m.account_id for m in members if m.user.username in DEMO_MANAGERS}
    if not shown:
        return
    created, promoted = [], []
    for account in accounts:
        if account.pk not in shown:
            continue
        if account.category == Category.KEY:
            # It was a normal account until the director made it a key account.
            before = copy.copy(account)
            before.category = Category.NORMAL
            before._history_date = account.created_at
            before._history_user = users["admin"]
            created.append(before)
            first = account.created_at.date() + timedelta(days=30)
            last = max(first, builder.today - timedelta(days=30))
            promoted_on = first + timedelta(days=builder.rng.randint(0, (last - first).days))
            account._history_date = builder.at(min(promoted_on, builder.today), hour=15)
            account._history_user = users["director"]
            promoted.append(account)
        else:
            account._history_date = account.created_at
            account._history_user = users["admin"]
            created.append(account)
    Account.history.bulk_history_create(created, batch_size=INSERT_BATCH)
    Account.history.bulk_history_create(promoted, batch_size=INSERT_BATCH, update=True)

    shown_members = [m for m in members if m.account_id in shown]
    for member in shown_members:
        member._history_date = builder.at(member.joined_on)
        member._history_user = member.account.owner or users["director"]
    AccountTeamMember.history.bulk_history_create(shown_members, batch_size=INSERT_BATCH)

    opened, resolved = [], []
    for complaint in complaints:
        if complaint.account_id not in shown:
            continue
        first = complaint
        if complaint.status == ComplaintStatus.RESOLVED:
            complaint._history_date = builder.at(complaint.resolved_on, hour=17)
            complaint._history_user = complaint.owner
            resolved.append(complaint)
            first = copy.copy(complaint)
            first.status, first.resolved_on, first.resolution = ComplaintStatus.OPEN, None, ""
            first.conflict_mode = ""
        first._history_date = builder.at(complaint.opened_on, hour=9)
        first._history_user = complaint.owner
        opened.append(first)
    Complaint.history.bulk_history_create(opened, batch_size=INSERT_BATCH)
    Complaint.history.bulk_history_create(resolved, batch_size=INSERT_BATCH, update=True)
