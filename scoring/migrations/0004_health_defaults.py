"""The survey indicators and the churn-risk model KAM ships with. The rows are frozen here as they
were when this migration was written, so that migrating a fresh database never depends on app
code (scoring/defaults.py may change later; the demo data and the factories use it).
"""

from decimal import Decimal

from django.db import migrations

# SurveyIndicator rows, in order.
SURVEY_INDICATORS = [
    {
        "code": "value_for_price",
        "group": "product",
        "name": "Value for price",
        "name_zh_hans": "性价比",
        "question": "The value you get for the price you pay",
        "question_zh_hans": "您支付的价格所获得的价值",
        "position": 10,
    },
    {
        "code": "quality",
        "group": "product",
        "name": "Quality",
        "name_zh_hans": "质量",
        "question": "The quality of our products",
        "question_zh_hans": "我们产品的质量",
        "position": 20,
    },
    {
        "code": "features",
        "group": "product",
        "name": "Features",
        "name_zh_hans": "功能",
        "question": "The features of our products",
        "question_zh_hans": "我们产品的功能",
        "position": 30,
    },
    {
        "code": "reliability",
        "group": "product",
        "name": "Reliability",
        "name_zh_hans": "可靠性",
        "question": "How reliably our products work",
        "question_zh_hans": "我们产品的可靠程度",
        "position": 40,
    },
    {
        "code": "range",
        "group": "product",
        "name": "Range",
        "name_zh_hans": "产品范围",
        "question": "The range of products we offer",
        "question_zh_hans": "我们提供的产品范围",
        "position": 50,
    },
    {
        "code": "delivery",
        "group": "service",
        "name": "Delivery",
        "name_zh_hans": "交付",
        "question": "On-time and complete delivery",
        "question_zh_hans": "交货的准时与完整",
        "position": 60,
    },
    {
        "code": "complaint_handling",
        "group": "service",
        "name": "Complaint handling",
        "name_zh_hans": "投诉处理",
        "question": "How we handle your complaints",
        "question_zh_hans": "我们处理投诉的方式",
        "position": 70,
    },
    {
        "code": "problem_resolution",
        "group": "service",
        "name": "Problem resolution",
        "name_zh_hans": "问题解决",
        "question": "How well and how fast we solve problems",
        "question_zh_hans": "我们解决问题的效果与速度",
        "position": 80,
    },
    {
        "code": "courtesy",
        "group": "purchase",
        "name": "Courtesy",
        "name_zh_hans": "礼貌",
        "question": "The courtesy of our people",
        "question_zh_hans": "我们员工的礼貌",
        "position": 90,
    },
    {
        "code": "communication",
        "group": "purchase",
        "name": "Communication",
        "name_zh_hans": "沟通",
        "question": "How we keep you informed",
        "question_zh_hans": "我们与您沟通、让您知情的方式",
        "position": 100,
    },
    {
        "code": "ease_of_access",
        "group": "purchase",
        "name": "Ease of access",
        "name_zh_hans": "易于联系",
        "question": "How easy it is to reach the right person",
        "question_zh_hans": "找到合适的联系人是否容易",
        "position": 110,
    },
    {
        "code": "reputation",
        "group": "purchase",
        "name": "Reputation",
        "name_zh_hans": "声誉",
        "question": "Our reputation in your industry",
        "question_zh_hans": "我们在贵行业中的声誉",
        "position": 120,
    },
]

# RiskFactor rows, in order.
RISK_FACTORS = [
    {
        "code": "contact_recency",
        "weight": 20,
        "start": Decimal("1"),
        "full": Decimal("3"),
        "days": None,
        "position": 10,
    },
    {
        "code": "satisfaction_level",
        "weight": 12,
        "start": Decimal("75"),
        "full": Decimal("40"),
        "days": None,
        "position": 20,
    },
    {
        "code": "satisfaction_trend",
        "weight": 8,
        "start": Decimal("0"),
        "full": Decimal("-20"),
        "days": None,
        "position": 30,
    },
    {
        "code": "revenue_trend",
        "weight": 15,
        "start": Decimal("-10"),
        "full": Decimal("-50"),
        "days": 90,
        "position": 40,
    },
    {
        "code": "overdue_receivables",
        "weight": 10,
        "start": Decimal("0"),
        "full": Decimal("20"),
        "days": 30,
        "position": 50,
    },
    {
        "code": "complaints_past_due",
        "weight": 10,
        "start": Decimal("0"),
        "full": Decimal("2"),
        "days": None,
        "position": 60,
    },
    {
        "code": "complaint_silence",
        "weight": 5,
        "start": Decimal("1"),
        "full": Decimal("3"),
        "days": 120,
        "position": 70,
    },
    {
        "code": "single_threaded",
        "weight": 8,
        "start": Decimal("2"),
        "full": Decimal("1"),
        "days": None,
        "position": 80,
    },
    {
        "code": "decision_maker",
        "weight": 7,
        "start": Decimal("0"),
        "full": Decimal("1"),
        "days": 180,
        "position": 90,
    },
    {
        "code": "stage_regression",
        "weight": 5,
        "start": Decimal("0"),
        "full": Decimal("1"),
        "days": 365,
        "position": 100,
    },
]


def load_defaults(apps, schema_editor):
    SurveyIndicator = apps.get_model("scoring", "SurveyIndicator")
    RiskFactor = apps.get_model("scoring", "RiskFactor")
    RiskPolicy = apps.get_model("scoring", "RiskPolicy")
    for row in SURVEY_INDICATORS:
        row = dict(row)
        SurveyIndicator.objects.get_or_create(code=row.pop("code"), defaults=row)
    for row in RISK_FACTORS:
        row = dict(row)
        RiskFactor.objects.get_or_create(code=row.pop("code"), defaults=row)
    RiskPolicy.objects.get_or_create(pk=1)


def remove_defaults(apps, schema_editor):
    apps.get_model("scoring", "RiskFactor").objects.all().delete()
    apps.get_model("scoring", "RiskPolicy").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("scoring", "0003_health")]

    operations = [migrations.RunPython(load_defaults, remove_defaults)]
