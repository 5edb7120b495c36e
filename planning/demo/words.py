# The Chinese strings use Chinese full-width punctuation on purpose.
# ruff: noqa: RUF001
"""Word lists for the planning demo: SWOT lines, objectives, actions, visit notes and opportunity
names, each in English and in Chinese (an account with a Chinese name gets Chinese text).

Demo content, like a customer's own notes: stored as data, not translated."""

# (English, Chinese) pairs.
STRENGTHS = (
    ("Supplier of record for their main line for six years", "连续六年为其主力产线的指定供应商"),
    (
        "Our quality audit score is the best among their suppliers",
        "我方质量审核得分在其供应商中最高",
    ),
    ("Strong working relationship with the purchasing team", "与采购团队合作关系稳固"),
    ("Local warehouse delivers within 24 hours", "本地仓库24小时内交付"),
    (
        "Our engineers helped them solve a line stoppage last year",
        "去年我方工程师帮助其解决停线问题",
    ),
)
WEAKNESSES = (
    ("Little contact above the purchasing manager", "与采购经理以上层级接触很少"),
    ("Our prices are 5–8% above the cheapest competitor", "我方价格比最低竞争对手高5–8%"),
    ("Two late deliveries in the last quarter", "上季度出现两次延迟交货"),
    ("No coverage of the R&D department", "研发部门没有覆盖"),
    ("Invoices are often paid late", "回款经常逾期"),
)
OPPORTUNITIES = (
    ("They are building a new plant next year", "对方明年将新建工厂"),
    ("Their new product line needs a second source", "新产品线需要第二供应商"),
    ("The incumbent on the coatings line is unreliable", "涂装线现有供应商不稳定"),
    ("Their export business is growing fast", "其出口业务增长迅速"),
    ("Cost-down programme: they want to consolidate suppliers", "降本计划：对方希望整合供应商"),
)
THREATS = (
    ("A low-cost competitor is sampling at their plant", "低价竞争对手正在其工厂送样"),
    ("Their new purchasing director favours a competitor", "新任采购总监倾向竞争对手"),
    ("Demand in their market is slowing", "其所在市场需求放缓"),
    ("They are considering making the part in-house", "对方考虑自制该部件"),
    ("Raw-material prices may squeeze our margin", "原材料涨价可能压缩我方利润"),
)
SUMMARIES = (
    (
        "Grow share of wallet and widen the relationship beyond purchasing.",
        "提升钱包份额，将关系拓展到采购部门以外。",
    ),
    ("Defend the core business and win the new plant.", "守住核心业务，赢得新工厂项目。"),
    ("Recover trust after last year's quality issues.", "在去年质量问题之后重建信任。"),
)

# (title, metric, unit) in both languages, and how to draw the numbers: kind "growth" means the
# target is above the baseline, "cut" below.
OBJECTIVES = (
    {
        "en": ("Grow revenue", "Revenue", "CNY k"),
        "zh": ("提升销售额", "销售额", "万元"),
        "baseline": (300, 5000),
        "change": (0.10, 0.30),
        "kind": "growth",
    },
    {
        "en": ("Increase share of wallet", "Share of their spend", "%"),
        "zh": ("提升钱包份额", "占其采购额比例", "%"),
        "baseline": (15, 40),
        "change": (0.20, 0.50),
        "kind": "growth",
    },
    {
        "en": ("Launch a new product line", "Product lines bought", "lines"),
        "zh": ("导入新产品线", "采购产品线数量", "条"),
        "baseline": (1, 3),
        "change": (0.50, 1.00),
        "kind": "growth",
    },
    {
        "en": ("Cut complaint resolution time", "Average days to resolve", "days"),
        "zh": ("缩短投诉处理时间", "平均处理天数", "天"),
        "baseline": (10, 25),
        "change": (0.30, 0.50),
        "kind": "cut",
    },
    {
        "en": ("Meet their executives every quarter", "Executive meetings", "meetings"),
        "zh": ("每季度与高层会面", "高层会面次数", "次"),
        "baseline": (0, 1),
        "change": (3.0, 4.0),
        "kind": "count",
    },
)
ACTIONS = (
    ("Send the quarterly business review", "提交季度业务回顾"),
    ("Arrange a plant visit for their quality team", "安排对方质量团队参观工厂"),
    ("Prepare samples of the new grade", "准备新牌号样品"),
    ("Agree a price review with purchasing", "与采购商定价格复审"),
    ("Introduce our technical director to their R&D head", "引荐我方技术总监与其研发负责人"),
    ("Run a root-cause workshop on open complaints", "针对未结投诉开展根因分析会"),
    ("Propose a consignment stock agreement", "提出寄售库存协议"),
    ("Invite their general manager to our customer day", "邀请其总经理参加客户日"),
)

VISIT_OBJECTIVES = (
    (
        "Agree the volume forecast for next quarter by the end of the meeting",
        "会上确定下季度用量预测",
    ),
    (
        "Get agreement to trial the new grade on one line before month end",
        "争取月底前在一条产线试用新牌号",
    ),
    ("Confirm the date of their supplier audit", "确认对方供应商审核日期"),
    ("Present the cost-down proposal and agree next steps", "介绍降本方案并商定后续步骤"),
    (
        "Understand why the last order was smaller and agree a recovery plan",
        "了解上次订单减少的原因并商定补救计划",
    ),
)
SITUATION = (
    ("How many lines run our material today?", "目前有几条产线使用我方材料？"),
    ("Who approves a new supplier?", "新供应商由谁审批？"),
    ("What volume do you expect next year?", "明年预计用量是多少？"),
)
PROBLEM = (
    ("Where do you lose the most time at changeover?", "换线时哪个环节最耗时？"),
    ("Are you satisfied with the consistency of the current grade?", "对现有牌号的一致性满意吗？"),
    ("What happens when a delivery is late?", "交货延迟时会发生什么？"),
)
IMPLICATION = (
    ("What does one hour of line stoppage cost you?", "停线一小时会造成多少损失？"),
    (
        "How do rejects affect your delivery to your own customers?",
        "不良品如何影响你们对客户的交付？",
    ),
    (
        "What would it mean if the audit found the issue first?",
        "如果审核先发现问题，会有什么后果？",
    ),
)
NEED_PAYOFF = (
    ("How would a stable supply help your expansion plans?", "稳定供应对你们的扩产计划有何帮助？"),
    ("What would a 5% lower reject rate be worth to you?", "不良率降低5%对你们价值多大？"),
    ("Would a local buffer stock solve the delivery worries?", "本地缓冲库存能否解决交付顾虑？"),
)
OUTCOMES = (
    ("They agreed to trial the new grade on line 2.", "对方同意在2号线试用新牌号。"),
    ("Forecast confirmed; they asked for a price review.", "用量预测已确认；对方要求价格复审。"),
    (
        "Audit date set; they want our quality plan in advance.",
        "审核日期已定；对方希望提前收到质量计划。",
    ),
    (
        "They are unhappy with the last two deliveries; we promised a recovery plan.",
        "对方对最近两次交货不满；我方承诺提交整改计划。",
    ),
    ("Good meeting; their director joined for half an hour.", "会谈顺利；对方总监参加了半小时。"),
)
BUYING_SIGNALS = (
    ("Asked about lead times for larger volumes", "询问大批量交期"),
    ("Asked who else uses the new grade", "询问还有谁在使用新牌号"),
    ("Wanted to know the payment terms", "想了解付款条件"),
    ("", ""),
)
NEXT_STEPS = (
    ("Send the trial quotation", "发送试用报价"),
    ("Deliver samples to their lab", "向对方实验室送样"),
    ("Send the quality plan", "发送质量计划"),
    ("Book a call with their plant manager", "预约与其厂长通话"),
    ("Share the delivery recovery plan", "提交交货整改计划"),
)
OBJECTIONS = (
    ("Price is higher than the current supplier", "价格高于现有供应商"),
    ("Qualification takes too long", "认证周期太长"),
    ("", ""),
)

OPPORTUNITY_NAMES = (
    ("New plant supply contract", "新工厂供货合同"),
    ("Second source for the coatings line", "涂装线第二供应商"),
    ("Annual framework agreement", "年度框架协议"),
    ("Export product range", "出口产品系列"),
    ("Replacement of the incumbent grade", "替换现有牌号"),
    ("Spare parts programme", "备件项目"),
)
LOST_REASONS = (
    ("A competitor came in 12% cheaper", "竞争对手报价低12%"),
    ("The project was cancelled by their head office", "项目被其总部取消"),
    ("Our qualification was too slow", "我方认证进度太慢"),
)
SKIP_REASONS = (
    ("Their director asked to speed up", "对方总监要求加快进度"),
    ("Urgent need after their supplier failed", "对方原供应商出问题，需求紧急"),
)

LOSS_NOTES = (
    (
        "Their new purchasing director moved the whole volume to a cheaper supplier.",
        "新任采购总监将全部用量转给了价格更低的供应商。",
    ),
    (
        "Two unresolved quality complaints; they stopped ordering after the second.",
        "两起质量投诉未解决；第二起之后对方停止下单。",
    ),
)
WIN_BACK = (
    (
        "Keep in touch with the plant manager; offer a trial when the new line starts.",
        "与厂长保持联系；新产线投产时提供试用。",
    ),
    (
        "Close both complaints, then ask for a supplier review meeting.",
        "先结案两起投诉，再申请供应商评审会议。",
    ),
)

# The light touches between the big visits: a check-in call, a quick visit, a win-back call.
CONTACT_OBJECTIVES = (
    ("Check in on current orders and upcoming needs", "了解在手订单和近期需求"),
    ("Follow up on the last delivery", "跟进上一批交货情况"),
    ("Share the new price list and ask about next quarter", "发送新价目表并了解下季度计划"),
    ("Introduce our new technical contact", "介绍我方新的技术对接人"),
    ("Ask how the trial batch performed", "了解试用批次的使用效果"),
)
CONTACT_OUTCOMES = (
    ("No issues; next order expected next month.", "一切正常；预计下月下单。"),
    ("They asked for a quotation for a small extra lot.", "对方要求就一小批追加量报价。"),
    ("Busy quarter for them; call again in a few weeks.", "对方本季度较忙；过几周再联系。"),
    (
        "A question on the invoice; passed it to our finance team.",
        "对发票有疑问；已转我方财务处理。",
    ),
    ("They are comparing suppliers; send references.", "对方在比较供应商；需提供参考案例。"),
)
WIN_BACK_OUTCOMES = (
    (
        "Polite but not buying; they will call when the contract is up.",
        "态度客气但暂不采购；合同到期时会联系我们。",
    ),
    ("They agreed to look at a trial offer.", "对方同意看一下试用方案。"),
    ("Their buyer has changed; got the new contact.", "对方采购已换人；已拿到新联系人。"),
)
WIN_BACK_OBJECTIVES = (
    ("Win-back call: ask how the new supplier is doing", "回访：了解对方新供应商的表现"),
    ("Keep in touch and offer a trial lot", "保持联系并提供试用批次"),
)
