"""Word lists for the demo relationships: people's names, titles and departments as Chinese and
foreign companies have them, needs, motivations, private details and stage-change rationales.
Each text comes as (Chinese, English); a Chinese company gets the Chinese one, a foreign one (an
account whose name is in Latin letters) the English one, as the account names are."""

from accounts.demo.words import pairs
from accounts.models import BuyingRole

FAMILY_NAMES = pairs(
    "王:wang 李:li 张:zhang 刘:liu 陈:chen 杨:yang 黄:huang 赵:zhao 吴:wu 周:zhou 徐:xu 孙:sun"
    " 马:ma 朱:zhu 胡:hu 郭:guo 何:he 高:gao 林:lin 罗:luo 郑:zheng 梁:liang 谢:xie 宋:song"
    " 唐:tang 许:xu 韩:han 冯:feng 邓:deng 曹:cao 彭:peng 曾:zeng 田:tian 董:dong 袁:yuan"
    " 潘:pan 蒋:jiang 蔡:cai 余:yu 杜:du 叶:ye 程:cheng 苏:su 魏:wei 吕:lv 丁:ding 任:ren"
    " 沈:shen 姚:yao 卢:lu 姜:jiang 崔:cui 钟:zhong 谭:tan 陆:lu 汪:wang 范:fan 金:jin 石:shi"
    " 廖:liao 贾:jia 夏:xia 韦:wei 方:fang 白:bai 邹:zou 孟:meng 熊:xiong 秦:qin 江:jiang"
    " 尹:yin 薛:xue 段:duan 雷:lei 侯:hou 龙:long 史:shi 陶:tao 贺:he 顾:gu 毛:mao 郝:hao"
    " 龚:gong 邵:shao 万:wan 钱:qian 严:yan 武:wu 戴:dai 孔:kong 汤:tang"
)
GIVEN_NAMES = pairs(
    "伟:wei 芳:fang 娜:na 敏:min 静:jing 丽:li 强:qiang 磊:lei 军:jun 洋:yang 勇:yong 艳:yan"
    " 杰:jie 娟:juan 涛:tao 明:ming 超:chao 霞:xia 平:ping 刚:gang 鹏:peng 辉:hui 斌:bin 鑫:xin"
    " 秀兰:xiulan 桂英:guiying 建华:jianhua 志强:zhiqiang 晓东:xiaodong 海燕:haiyan 文博:wenbo"
    " 子轩:zixuan 思远:siyuan 雨涵:yuhan 国庆:guoqing 建国:jianguo 红梅:hongmei 春华:chunhua"
    " 立新:lixin 振宇:zhenyu 佳怡:jiayi 宏伟:hongwei 晓明:xiaoming 丽华:lihua 玉兰:yulan"
    " 志明:zhiming 俊杰:junjie 婷婷:tingting 雪梅:xuemei 浩然:haoran 欣怡:xinyi 永刚:yonggang"
    " 海波:haibo 文静:wenjing 卫东:weidong 凤英:fengying 德华:dehua 晨曦:chenxi 一鸣:yiming"
)
# Staff of foreign companies in China mostly go by an English first name.
ENGLISH_FIRST_NAMES = (
    "Kevin", "Jason", "Eric", "Tony", "David", "Michael", "Frank", "Jack", "Leo", "Peter",
    "Vivian", "Grace", "Cindy", "Amy", "Linda", "Helen", "Cherry", "Iris", "Joyce", "Sophie",
)  # fmt: skip
OVERSEAS_FIRST_NAMES = (
    "Daniel", "Sarah", "Ahmad", "Siti", "Budi", "Priya", "Minh", "Somchai", "Lukas", "Anna",
    "Omar", "Fatima", "Thomas", "Julia", "Wei Ming", "Nur", "Hannah", "Rizal", "Linh", "Markus",
)  # fmt: skip
OVERSEAS_LAST_NAMES = (
    "Tan", "Lim", "Wong", "Rahman", "Nguyen", "Pratama", "Haddad", "Schneider", "Weber", "Wijaya",
    "Tran", "Chong", "Kumar", "Lee", "Ibrahim", "Santoso", "Fischer", "Ong", "Hassan", "Goh",
)  # fmt: skip

# The top person, by industry (title zh, title en, department zh, department en).
TOPS = {
    "government": ("局长", "Director General", "局领导", "Leadership"),
    "education": ("校长", "President", "校长办公室", "President's Office"),
    "": ("总经理", "General Manager", "总经理办公室", "Executive Office"),
}


class Function:
    """A department under the top person: its head and its staff, and the buying role they
    usually play (rule makers in engineering and quality, gatekeepers in purchasing, users in
    production)."""

    def __init__(self, key, head, department, role, staff, staff_role, influence, involvement):
        self.key = key
        self.head = head  # (zh, en)
        self.department = department  # (zh, en)
        self.role = role
        self.staff = staff  # ((zh, en), ...)
        self.staff_role = staff_role
        self.influence = influence  # the head's (low, high); staff get one less
        self.involvement = involvement


FUNCTIONS = (
    Function(
        "purchasing",
        ("采购总监", "Purchasing Director"),
        ("采购部", "Purchasing"),
        BuyingRole.GATEKEEPER,
        (
            ("采购经理", "Purchasing Manager"),
            ("采购专员", "Buyer"),
            ("采购工程师", "Sourcing Engineer"),
        ),
        BuyingRole.GATEKEEPER,
        (3, 4),
        (4, 5),
    ),
    Function(
        "engineering",
        ("技术总监", "CTO"),
        ("技术部", "Engineering"),
        BuyingRole.RULE_MAKER,
        (("研发工程师", "R&D Engineer"), ("工艺工程师", "Process Engineer")),
        BuyingRole.RULE_MAKER,
        (3, 5),
        (3, 4),
    ),
    Function(
        "quality",
        ("质量经理", "Quality Manager"),
        ("质量部", "Quality"),
        BuyingRole.RULE_MAKER,
        (("质量工程师", "Quality Engineer"), ("来料检验主管", "Incoming Inspection Lead")),
        BuyingRole.RULE_MAKER,
        (3, 4),
        (3, 4),
    ),
    Function(
        "production",
        ("生产经理", "Production Manager"),
        ("生产部", "Production"),
        BuyingRole.USER,
        (("车间主任", "Workshop Supervisor"), ("设备主管", "Maintenance Supervisor")),
        BuyingRole.USER,
        (2, 4),
        (3, 5),
    ),
    Function(
        "it",
        ("IT经理", "IT Manager"),
        ("信息部", "IT"),
        BuyingRole.USER,
        (("系统管理员", "System Administrator"), ("IT工程师", "IT Engineer")),
        BuyingRole.USER,
        (2, 3),
        (3, 4),
    ),
    Function(
        "finance",
        ("财务经理", "Finance Manager"),
        ("财务部", "Finance"),
        BuyingRole.INFLUENCER,
        (("会计", "Accountant"),),
        BuyingRole.INFLUENCER,
        (3, 4),
        (1, 2),
    ),
    Function(
        "deputy",
        ("副总经理", "Deputy General Manager"),
        ("总经理办公室", "Executive Office"),
        BuyingRole.INFLUENCER,
        (("总经理助理", "Assistant to the GM"),),
        BuyingRole.GATEKEEPER,
        (4, 5),
        (2, 3),
    ),
)
FUNCTIONS_BY_KEY = {function.key: function for function in FUNCTIONS}

MOTIVATIONS = {
    BuyingRole.DECISION_MAKER: (
        ("向董事会交出增长的业绩。", "Growth the board can see."),
        ("稳妥，不愿冒供应风险。", "Safety first: no supply risk on their watch."),
        ("推动公司数字化转型，树立行业标杆。", "Leading the digital transformation of the firm."),
    ),
    BuyingRole.GATEKEEPER: (
        ("年度降本指标压力大。", "Under pressure to hit this year's cost-down target."),
        ("流程合规，不想被审计挑出问题。", "Clean processes that pass every audit."),
    ),
    BuyingRole.RULE_MAKER: (
        ("技术上追求最优方案，重视数据。", "Technical excellence; trusts data, not slides."),
        ("不想因为质量问题被追责。", "Not to be blamed for a quality escape."),
    ),
    BuyingRole.USER: (
        (
            "设备好用、少停机、少加班。",
            "Equipment that just works: less downtime, fewer late nights.",
        ),
        ("希望供应商响应快。", "A supplier who answers the phone at 2 a.m."),
    ),
    BuyingRole.INFLUENCER: (
        ("希望自己的意见被采纳。", "Wants their opinion to count."),
        ("关注现金流和付款条件。", "Cash flow and payment terms."),
    ),
    BuyingRole.COACH: (
        (
            "认可我们的方案，想借项目在公司内部出成绩。",
            "Believes in our solution and wants the win.",
        ),
        ("和我们的销售私交很好。", "A good personal relationship with our salesperson."),
    ),
}

# (zh, en, scope): company needs are mostly open and explicit, personal ones private and implied.
COMPANY_NEEDS = (
    ("降低总体采购成本", "Lower total cost of purchase"),
    ("稳定的交货周期", "Reliable lead times"),
    ("批次质量一致", "Consistent batch quality"),
    ("快速的现场技术支持", "Fast on-site technical support"),
    ("更长的付款账期", "Longer payment terms"),
    ("减少供应商数量", "Fewer suppliers to manage"),
    ("进口件国产化替代", "A domestic alternative to imported parts"),
    ("顺利通过其客户的审核", "Pass their own customers' audits"),
    ("产线自动化升级", "Automate the production line"),
    ("数据安全合规", "Data security compliance"),
)
PERSONAL_NEEDS = (
    ("年底考核拿到好结果", "A good year-end review"),
    ("在老板面前有亮点项目", "A visible win in front of the boss"),
    ("不想为供应商问题背锅", "Not to be blamed for supplier problems"),
    ("减少加班", "Fewer late nights"),
    ("学习新技术，丰富履历", "Learn new technology for the CV"),
    ("明年晋升为总监", "Promotion to director next year"),
    ("得到管理层认可", "Recognition from management"),
    ("孩子明年升学", "A good school for their child next year"),
)

INTERESTS = (
    ("高尔夫", "golf"), ("钓鱼", "fishing"), ("品茶", "tea"), ("书法", "calligraphy"),
    ("篮球", "basketball"), ("摄影", "photography"), ("徒步", "hiking"), ("红酒", "wine"),
    ("马拉松", "marathons"), ("围棋", "go"), ("羽毛球", "badminton"), ("自驾游", "road trips"),
)  # fmt: skip
FAMILIES = (
    ("已婚，女儿在读高中。", "Married; daughter in high school."),
    ("已婚，两个孩子，儿子刚上小学。", "Married, two children; son just started school."),
    ("单身，父母在老家。", "Single; parents live in the hometown."),
    ("已婚，妻子是医生。", "Married; wife is a doctor."),
    ("儿子在国外读大学。", "Son studying abroad."),
    ("刚有了第一个孩子。", "Just had their first child."),
)
PRIVATE_NOTES = (
    ("不喝酒，宴请安排茶叙。", "Doesn't drink: invite for tea, not dinner."),
    ("喜欢直接看数据，会前先发资料。", "Likes the data first: send material before meetings."),
    ("周五下午不安排会议。", "No meetings on Friday afternoons."),
    ("老乡关系，可以聊家乡话题。", "Same hometown as our engineer: good small talk."),
    ("", ""),
    ("", ""),
)

RATIONALES_UP = (
    (
        "首批订单交付顺利，客户同意扩大试点。",
        "First orders delivered well; they widened the pilot.",
    ),
    (
        "签订三年框架协议，双方高层开始定期会面。",
        "Signed a three-year framework agreement; senior people now meet regularly.",
    ),
    (
        "对接人从采购扩展到技术、质量和生产。",
        "Contacts widened from purchasing to engineering, quality and production.",
    ),
    (
        "客户开始共享需求预测和库存数据。",
        "They now share demand forecasts and stock levels with us.",
    ),
    (
        "成立联合改进小组，成本数据双向透明。",
        "Set up a joint improvement team with open cost data both ways.",
    ),
    ("进入客户合格供应商名录，成为优选供应商。", "Approved as one of their preferred suppliers."),
    (
        "客户技术部门邀请我们参与新产品设计。",
        "Their engineers now bring us into new product design.",
    ),
)
RATIONALES_DOWN = (
    (
        "主要支持者离职，新任采购总监重新招标。",
        "Our main supporter left; the new purchasing director reopened the tender.",
    ),
    (
        "连续两次质量投诉后，客户冻结新项目。",
        "After two quality complaints in a row they froze new projects.",
    ),
    (
        "客户引入第二供应商，我们的份额下降。",
        "They brought in a second supplier and our share fell.",
    ),
    ("价格谈判破裂，高层沟通中断。", "Price talks broke down and senior contact stopped."),
)
RATIONALES_UNCOUPLING = (
    (
        "客户被收购，新母公司集中采购，合作逐步退出。",
        "They were acquired; the new parent buys centrally and phases us out.",
    ),
    (
        "反复交付问题后，客户决定更换供应商。",
        "After repeated delivery problems they decided to change supplier.",
    ),
    (
        "客户业务收缩，停止了相关产品线。",
        "They shrank the business and closed the product line we supply.",
    ),
)
