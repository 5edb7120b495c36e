"""The criteria, tier rules and tier policy KAM ships with. The rows are frozen here as they were
when this migration was written, so that migrating a fresh database never depends on app code
(scoring/defaults.py may change later; the demo data and the factories use it).
"""

from decimal import Decimal

from django.db import migrations
from django.utils import timezone

# (code, dimension, weight, name, name_zh, description, description_zh, low, low_zh, high, high_zh)
ACCOUNT_CRITERIA = [
    (
        "market_leadership",
        "attractiveness",
        3,
        "Market leadership",
        "市场领导地位",
        "The customer's position in its own market.",
        "客户在其所在市场中的地位。",
        "A small player",
        "小型参与者",
        "The leader of its market",
        "所在市场的领导者",
    ),
    (
        "technical_leadership",
        "attractiveness",
        2,
        "Technical leadership",
        "技术领先",
        "How far ahead the customer is technically; leaders pull their suppliers forward.",
        "客户的技术领先程度；领先者会带动供应商进步。",
        "Follows others",
        "跟随者",
        "Sets the standard",
        "制定行业标准",
    ),
    (
        "reputation",
        "attractiveness",
        2,
        "Reputation",
        "声誉",
        "What winning them is worth as a reference to other customers.",
        "赢得该客户作为参考案例对其他客户的价值。",
        "Unknown or poor",
        "不知名或口碑差",
        "A reference everyone knows",
        "众所周知的标杆",
    ),
    (
        "growth_potential",
        "attractiveness",
        3,
        "Growth potential",
        "增长潜力",
        "How much their business, and their buying from suppliers like us, will grow.",
        "客户业务及其对同类供应商采购的增长空间。",
        "Shrinking",
        "萎缩",
        "Growing fast",
        "快速增长",
    ),
    (
        "purchase_volume",
        "attractiveness",
        4,
        "Purchase volume",
        "采购量",
        "How much they buy of what we sell, from anyone.",
        "客户从所有供应商采购我方同类产品的总量。",
        "Very little",
        "很少",
        "Very large",
        "非常大",
    ),
    (
        "profitability",
        "attractiveness",
        3,
        "Profitability",
        "盈利能力",
        "The margin we can earn serving them, after the cost to serve.",
        "扣除服务成本后，我们服务该客户可获得的利润率。",
        "Loss-making",
        "亏损",
        "Well above our average",
        "远高于平均水平",
    ),
    (
        "credit_record",
        "attractiveness",
        2,
        "Credit and payment record",
        "信用与付款记录",
        "Whether they pay in full and on time.",
        "客户是否按时足额付款。",
        "Pays late or disputes",
        "拖欠或有争议",
        "Always pays on time",
        "一贯按时付款",
    ),
    (
        "strategic_fit",
        "attractiveness",
        3,
        "Strategic fit",
        "战略契合度",
        "How well their direction matches our strategy and offering.",
        "客户的发展方向与我方战略和产品的契合程度。",
        "Poor fit",
        "契合度低",
        "A perfect fit",
        "高度契合",
    ),
    (
        "existing_relationships",
        "attractiveness",
        2,
        "Existing relationships",
        "现有关系",
        "How well our people already know theirs.",
        "我方人员与客户人员的熟悉程度。",
        "Nobody knows them",
        "没有任何关系",
        "Close at every level",
        "各层级关系密切",
    ),
    (
        "competition_intensity",
        "attractiveness",
        -2,
        "Competition intensity",
        "竞争强度",
        "How hard competitors fight for this customer. Counts against.",
        "竞争对手争夺该客户的激烈程度。分数越高越不利。",
        "No serious competitor",
        "没有有力竞争者",
        "Fierce price war",
        "激烈的价格战",
    ),
    (
        "implementation_difficulty",
        "attractiveness",
        -1,
        "Difficulty of implementation",
        "实施难度",
        "How hard it is to deliver and serve what they need. Counts against.",
        "交付和服务客户需求的难度。分数越高越不利。",
        "Straightforward",
        "简单",
        "Very demanding",
        "要求非常高",
    ),
    (
        "price",
        "advantage",
        2,
        "Price",
        "价格",
        "Our price position as the customer sees it.",
        "客户眼中我方的价格竞争力。",
        "Much dearer than rivals",
        "远高于竞争对手",
        "The best value",
        "性价比最高",
    ),
    (
        "quality",
        "advantage",
        3,
        "Quality",
        "质量",
        "Our product quality compared with the alternatives.",
        "我方产品质量与替代品相比。",
        "Below rivals",
        "不如竞争对手",
        "Clearly the best",
        "明显最好",
    ),
    (
        "service",
        "advantage",
        3,
        "Service",
        "服务",
        "Delivery, support and after-sales compared with the alternatives.",
        "交付、支持和售后服务与替代者相比。",
        "Below rivals",
        "不如竞争对手",
        "Clearly the best",
        "明显最好",
    ),
    (
        "responsiveness",
        "advantage",
        2,
        "Responsiveness",
        "响应速度",
        "How fast we answer, quote and solve problems.",
        "我方答复、报价和解决问题的速度。",
        "Slow",
        "缓慢",
        "Fastest in the market",
        "市场上最快",
    ),
    (
        "relationship",
        "advantage",
        3,
        "Relationship",
        "客户关系",
        "The strength of our relationship compared with competitors'.",
        "我方与客户的关系强度与竞争对手相比。",
        "Competitors are closer",
        "竞争对手更亲近",
        "We are their first call",
        "客户首先想到我们",
    ),
    (
        "technical_innovation",
        "advantage",
        2,
        "Technical innovation",
        "技术创新",
        "What we bring that is new to them.",
        "我方能为客户带来的新技术和新方案。",
        "Nothing new",
        "没有新意",
        "Unique innovations",
        "独特的创新",
    ),
    (
        "exclusivity",
        "advantage",
        2,
        "Exclusivity",
        "独家性",
        "Whether they can get what we offer elsewhere.",
        "客户能否从别处获得我方提供的产品或服务。",
        "Freely available",
        "随处可得",
        "Only from us",
        "只有我们能提供",
    ),
    (
        "switching_barriers",
        "advantage",
        2,
        "Switching barriers",
        "转换壁垒",
        "What it would cost them to replace us.",
        "客户更换我方所需付出的代价。",
        "They could switch tomorrow",
        "随时可以更换",
        "Switching would be very costly",
        "更换代价极高",
    ),
    (
        "trust",
        "advantage",
        3,
        "Trust",
        "信任",
        "How much they trust us to keep our promises.",
        "客户对我方信守承诺的信任程度。",
        "Distrust",
        "不信任",
        "Complete trust",
        "完全信任",
    ),
]

# The same fields.
SEGMENT_CRITERIA = [
    (
        "market_size",
        "attractiveness",
        1,
        "Market size",
        "市场规模",
        "How much the segment buys in total.",
        "该细分市场的采购总量。",
        "Small",
        "小",
        "Very large",
        "非常大",
    ),
    (
        "growth",
        "attractiveness",
        1,
        "Growth",
        "增长性",
        "How fast the segment's buying grows.",
        "该细分市场采购的增长速度。",
        "Shrinking",
        "萎缩",
        "Growing fast",
        "快速增长",
    ),
    (
        "awareness",
        "attractiveness",
        1,
        "Awareness of us",
        "品牌认知度",
        "How well the segment knows us.",
        "该细分市场对我方的了解程度。",
        "Unknown",
        "不了解",
        "Well known",
        "广为人知",
    ),
    (
        "competition",
        "attractiveness",
        -1,
        "Competition intensity",
        "竞争强度",
        "How crowded the segment is. Counts against.",
        "该细分市场的竞争激烈程度。分数越高越不利。",
        "Few competitors",
        "竞争者少",
        "Crowded",
        "竞争激烈",
    ),
    (
        "difficulty",
        "attractiveness",
        -1,
        "Difficulty of entry",
        "进入难度",
        "Qualification, tenders, certification. Counts against.",
        "资质、招投标、认证等门槛。分数越高越不利。",
        "Easy",
        "容易",
        "Very hard",
        "非常难",
    ),
    (
        "funds_credit",
        "attractiveness",
        1,
        "Funds and credit",
        "资金与信用",
        "Whether the segment's customers have budgets and pay.",
        "该细分市场客户的预算和付款能力。",
        "Tight and slow",
        "紧张且付款慢",
        "Ample and reliable",
        "充足且可靠",
    ),
    (
        "relationship",
        "attractiveness",
        1,
        "Relationships",
        "关系基础",
        "Our existing relationships in the segment.",
        "我方在该细分市场已有的关系。",
        "None",
        "没有",
        "Strong",
        "牢固",
    ),
    (
        "policy",
        "attractiveness",
        1,
        "Policy support",
        "政策支持",
        "Whether policy pushes the segment to buy what we sell.",
        "政策是否推动该细分市场采购我方产品。",
        "Against",
        "不利",
        "Strong support",
        "大力支持",
    ),
]

# (tier code, at least (yuan, revenue over 12 months), top percent)
TIER_RULES = [
    ("platinum", Decimal("50000000"), Decimal("5")),
    ("gold", Decimal("5000000"), Decimal("20")),
    ("iron", Decimal("500000"), Decimal("60")),
    ("lead", None, None),
]


def criterion_rows(definitions):
    for position, row in enumerate(definitions, start=1):
        code, dimension, weight, name, name_zh, desc, desc_zh, low, low_zh, high, high_zh = row
        yield {
            "code": code,
            "dimension": dimension,
            "weight": weight,
            "name": name,
            "name_zh_hans": name_zh,
            "description": desc,
            "description_zh_hans": desc_zh,
            "low_means": low,
            "low_means_zh_hans": low_zh,
            "high_means": high,
            "high_means_zh_hans": high_zh,
            "position": position,
            "scale_min": 0,
            "scale_max": 10,
        }


def load_defaults(apps, schema_editor):
    CriteriaSet = apps.get_model("scoring", "CriteriaSet")
    Criterion = apps.get_model("scoring", "Criterion")
    Tier = apps.get_model("accounts", "Tier")
    TierPolicy = apps.get_model("scoring", "TierPolicy")
    TierRule = apps.get_model("scoring", "TierRule")
    now = timezone.now()
    for kind, name, name_zh, definitions in (
        ("account", "Key account selection criteria", "大客户选择标准", ACCOUNT_CRITERIA),
        ("segment", "Segment scoring criteria", "细分市场评分标准", SEGMENT_CRITERIA),
    ):
        criteria_set = CriteriaSet.objects.create(
            kind=kind,
            version=1,
            status="published",
            name=name,
            name_zh_hans=name_zh,
            change_note="The default criteria that ship with KAM.",
            published_at=now,
        )
        Criterion.objects.bulk_create(
            Criterion(criteria_set=criteria_set, **row) for row in criterion_rows(definitions)
        )
    TierPolicy.objects.get_or_create(pk=1)
    for code, min_value, top_percent in TIER_RULES:
        tier = Tier.objects.filter(code=code).first()
        if tier is not None:
            TierRule.objects.get_or_create(
                tier=tier, defaults={"min_value": min_value, "top_percent": top_percent}
            )


def remove_defaults(apps, schema_editor):
    apps.get_model("scoring", "Criterion").objects.all().delete()
    apps.get_model("scoring", "CriteriaSet").objects.all().delete()
    apps.get_model("scoring", "TierRule").objects.all().delete()
    apps.get_model("scoring", "TierPolicy").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("scoring", "0001_initial"),
        ("accounts", "0005_tier_visit_cadence"),
    ]

    operations = [migrations.RunPython(load_defaults, remove_defaults)]
