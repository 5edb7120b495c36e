"""Word lists for the demo customers: places, brands, lines of business, complaints.

Names come from these lists rather than Faker: Faker is a test-only dependency, missing after the
plain install `make run` does, and region- and industry-aware lists read more like real customers.
"""

from accounts.models import ComplaintCategory, Industry, Region, Severity


def pairs(text: str) -> tuple[tuple[str, str], ...]:
    return tuple(tuple(item.split(":")) for item in text.split())


CITIES = {
    Region.NORTH: pairs("北京:beijing 天津:tianjin 石家庄:shijiazhuang 太原:taiyuan 唐山:tangshan"
                         " 保定:baoding 呼和浩特:huhehaote"),
    Region.EAST: pairs("上海:shanghai 苏州:suzhou 杭州:hangzhou 南京:nanjing 宁波:ningbo 无锡:wuxi"
                        " 合肥:hefei 济南:jinan 青岛:qingdao 福州:fuzhou 厦门:xiamen 常州:changzhou"
                        " 温州:wenzhou"),
    Region.SOUTH: pairs("广州:guangzhou 深圳:shenzhen 东莞:dongguan 佛山:foshan 珠海:zhuhai"
                         " 南宁:nanning 海口:haikou"),
    Region.CENTRAL: pairs("武汉:wuhan 长沙:changsha 郑州:zhengzhou 南昌:nanchang 洛阳:luoyang"
                           " 株洲:zhuzhou"),
    Region.SOUTHWEST: pairs("成都:chengdu 重庆:chongqing 昆明:kunming 贵阳:guiyang 绵阳:mianyang"),
    Region.NORTHWEST: pairs("西安:xian 兰州:lanzhou 银川:yinchuan 乌鲁木齐:wulumuqi 西宁:xining"),
    Region.NORTHEAST: pairs("沈阳:shenyang 大连:dalian 长春:changchun 哈尔滨:haerbin 鞍山:anshan"),
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
BRANDS = pairs(
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
    industry: tuple((zh, en.replace("_", " ")) for zh, en in pairs(text))
    for industry, text in _BUSINESS_WORDS.items()
}
# Public bodies, named the way they are: no company suffix. (name, web abbreviation)
BUREAUS = pairs(
    "大数据管理局:dsj 公安局:gaj 交通运输局:jtj 税务局:sw 政务服务管理办公室:zwfw 应急管理局:yjj"
    " 住房和城乡建设局:zjj 卫生健康委员会:wjw 生态环境局:sthj 教育局:jyj"
)
SCHOOLS = pairs(
    "理工大学:lg 师范大学:nu 职业技术学院:vtc 外国语学院:fl 财经大学:ufe 医科大学:mu 第一中学:yz"
)
HOSPITALS = pairs("中心医院:zxyy 人民医院:rmyy 妇幼保健院:fybj 中医院:zyy 肿瘤医院:zlyy")
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
