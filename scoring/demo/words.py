"""Word lists and fixed tables for the scoring demo data. Pairs are (English, Chinese)."""

from accounts.models import Industry

VIP_REASONS = (
    (
        "Chairs the industry association: its peers follow its supplier choices",
        "行业协会会长单位，同行会参照其供应商选择",
    ),
    (
        "Flagship customer of a provincial key project",
        "省级重点项目的标杆客户",
    ),
    (
        "Its general manager is an opinion leader other buyers listen to",
        "总经理是行业意见领袖，其他采购方很看重他的意见",
    ),
    (
        "A reference site we show to prospects in the region",
        "我方在该区域向潜在客户展示的参考案例",
    ),
    (
        "Sets the technical standard its suppliers' other customers adopt",
        "制定的技术标准被同行业其他客户采用",
    ),
    (
        "Its procurement head sits on government tender review panels",
        "采购负责人是政府招标评审专家",
    ),
)

# Segments beyond the three of DESIGN.md §5, with their scores in SEGMENT_CRITERIA's order
# (market size, growth, awareness, competition, difficulty, funds and credit, relationships,
# policy). Manufacturing and energy tie on purpose: equal totals share a rank.
MORE_SEGMENTS = (
    ("Manufacturing", "制造业", Industry.MANUFACTURING, (9, 5, 7, 7, 3, 5, 7, 7)),
    ("Telecommunications", "电信", Industry.TELECOM, (7, 5, 7, 7, 7, 9, 5, 5)),
    ("Energy", "能源", Industry.ENERGY, (9, 7, 5, 5, 7, 9, 3, 9)),
    ("Healthcare", "医疗卫生", Industry.HEALTHCARE, (7, 7, 5, 5, 7, 7, 3, 9)),
    ("Retail", "零售", Industry.RETAIL, (7, 3, 5, 9, 3, 5, 5, 3)),
)

SEGMENT_DESCRIPTIONS = {
    Industry.GOVERNMENT: "政府机关与事业单位 · Government bodies and public institutions",
    Industry.EDUCATION: "高校、中小学与培训机构 · Universities, schools and training providers",
    Industry.FINANCE: "银行、保险与证券 · Banks, insurers and brokers",
    Industry.MANUFACTURING: "离散与流程制造企业 · Discrete and process manufacturers",
    Industry.TELECOM: "运营商与通信设备商 · Carriers and network equipment makers",
    Industry.ENERGY: "电网、发电与油气 · Grid, power generation, oil and gas",
    Industry.HEALTHCARE: "医院与医药企业 · Hospitals and pharmaceutical companies",
    Industry.RETAIL: "连锁零售与电商 · Retail chains and e-commerce",
}

# Survey comments by how the survey came out (index 70 and above, 45 to 70, below 45). Demo
# content, like a customer's own words: stored as data, not translated.
SURVEY_COMMENTS = {
    "good": (
        (
            "Deliveries have been on time all year; keep it up.",
            "全年交货准时，请继续保持。",
        ),
        (
            "Your engineer solved the line problem within a day. Much appreciated.",
            "贵司工程师一天内就解决了产线问题，非常感谢。",
        ),
        (
            "Good partner. We would like more regular technical updates.",
            "合作愉快。希望能更定期地收到技术更新。",
        ),
        (
            "Quality is stable and the account manager is easy to reach.",
            "质量稳定，客户经理也很容易联系上。",
        ),
    ),
    "mixed": (
        (
            "Quality is fine, but the price is higher than other offers we have.",
            "质量没问题，但价格比我们收到的其他报价高。",
        ),
        (
            "Two late deliveries this quarter; please tell us earlier when stock is short.",
            "本季度有两次交货延迟；缺货时请提前告知。",
        ),
        (
            "Hard to find the right person when the account manager is travelling.",
            "客户经理出差时很难找到对口的人。",
        ),
        (
            "The product range is narrower than we need for the new plant.",
            "产品范围不能完全满足我们新工厂的需要。",
        ),
    ),
    "poor": (
        (
            "The open quality complaint has been waiting for weeks. We need an answer.",
            "质量投诉已经拖了好几周，我们需要一个答复。",
        ),
        (
            "We rarely see anyone from your side any more.",
            "最近很少见到贵司的人了。",
        ),
        (
            "Deliveries keep slipping and nobody tells us why.",
            "交货一再延迟，也没人告诉我们原因。",
        ),
        (
            "We are reviewing our suppliers this year, and your price is under discussion.",
            "我们今年在重新评估供应商，贵司价格是讨论的重点。",
        ),
    ),
}
