//! The built-in profile's data: each table's fields, the platforms' header names for them,
//! and the platforms' labels of each vocabulary. `docs/FORMATS.md` lists the same.
//!
//! Sources: the Zhejiang platform's import templates (待抽检库导入模板 `randomentinfo.xls`,
//! 执法人员导入模板 `randomscagent.xls`, the special-library and result-entry workbooks), the
//! national enterprise credit information system's 检查结果公示 and its exports, and the
//! grade names of the provincial risk-classification schemes (Henan's 低/中/中高/高).

use super::{Field, FieldType as T, TableKind, Vocab};
use shuangsuiji::kpi::Table;

const fn f(name: &'static str, ty: T, required: bool) -> Field {
    Field {
        name,
        ty,
        required,
        helper: false,
        fallback: &[],
    }
}

const fn fb(name: &'static str, ty: T, required: bool, fallback: &'static [&'static str]) -> Field {
    Field {
        name,
        ty,
        required,
        helper: false,
        fallback,
    }
}

const fn helper(name: &'static str, ty: T) -> Field {
    Field {
        name,
        ty,
        required: false,
        helper: true,
        fallback: &[],
    }
}

const POOL: &[Field] = &[
    fb("id", T::Id, true, &["credit_code", "registration_number"]),
    f("credit_code", T::Code, false),
    f("name", T::Text, false),
    f("kind", T::Value(Vocab::Kind), false),
    f("region", T::Text, false),
    f("industry", T::Text, false),
    f("grid", T::Text, false),
    f("status", T::Value(Vocab::Status), false),
    f("grade", T::Value(Vocab::Grade), true),
    f("risk_score", T::Integer, false),
    f("positive_list", T::Value(Vocab::Flag), false),
    f("tags", T::List, false),
    helper("registration_number", T::Code),
];

const HISTORY: &[Field] = &[
    fb("target_id", T::Id, true, &["target_code"]),
    f("date", T::Date, true),
    f("department", T::Id, true),
    f("item", T::Id, false),
    f("inspectors", T::List, false),
    helper("target_code", T::Code),
];

const INSPECTORS: &[Field] = &[
    fb("id", T::Id, true, &["certificate"]),
    f("name", T::Text, false),
    f("department", T::Id, true),
    f("unit", T::Text, false),
    f("certificate", T::Text, false),
    f("certificate_expiry", T::Expiry, false),
    f("region", T::Text, false),
    f("items", T::List, false),
    f("tags", T::List, false),
    f("expert", T::Value(Vocab::Flag), false),
    f("active", T::Value(Vocab::Active), false),
];

const DEPARTMENTS: &[Field] = &[f("id", T::Id, true), f("name", T::Text, true)];
const ITEMS: &[Field] = &[f("id", T::Id, true), f("department", T::Id, true)];
const PLANS: &[Field] = &[
    f("id", T::Id, true),
    f("year", T::Integer, true),
    f("department", T::Id, true),
    f("kind", T::Value(Vocab::PlanKind), true),
    f("participants", T::List, false),
    f("items", T::List, false),
    f("special", T::Value(Vocab::Flag), false),
    f("deleted", T::Value(Vocab::Flag), false),
    f("deletion_reason", T::Text, false),
];
const TASKS: &[Field] = &[
    f("id", T::Id, true),
    f("plans", T::List, true),
    f("lead", T::Id, true),
    f("participants", T::List, false),
    f("joint", T::Value(Vocab::Flag), true),
    f("graded", T::Value(Vocab::Flag), false),
    f("created_on", T::Date, true),
    f("due_on", T::Date, false),
    f("completed_on", T::Date, false),
];
const DRAWN: &[Field] = &[
    f("task", T::Id, true),
    fb("target", T::Id, true, &["target_code"]),
    f("stratum", T::Value(Vocab::Stratum), false),
    f("inclusion_probability", T::Number, false),
    helper("target_code", T::Code),
];
const RESULTS: &[Field] = &[
    f("task", T::Id, true),
    fb("target", T::Id, true, &["target_code"]),
    f("codes", T::Values(Vocab::ResultCode), true),
    f("inspected_on", T::Date, true),
    f("entered_on", T::Date, true),
    f("mobile", T::Value(Vocab::Flag), true),
    f("published_on", T::Date, false),
    helper("target_code", T::Code),
];
const FOLLOW_UPS: &[Field] = &[
    f("task", T::Id, true),
    fb("target", T::Id, true, &["target_code"]),
    f("kind", T::Value(Vocab::FollowUp), true),
    f("opened_on", T::Date, true),
    f("closed_on", T::Date, false),
    helper("target_code", T::Code),
];
const UNPLANNED: &[Field] = &[
    f("id", T::Id, true),
    f("department", T::Id, true),
    f("date", T::Date, true),
    f("reason", T::Text, true),
    f("targets", T::Integer, true),
];

pub(super) fn fields(kind: TableKind) -> &'static [Field] {
    match kind {
        TableKind::Pool => POOL,
        TableKind::History => HISTORY,
        TableKind::Inspectors => INSPECTORS,
        TableKind::Kpi(Table::Departments) => DEPARTMENTS,
        TableKind::Kpi(Table::Items) => ITEMS,
        TableKind::Kpi(Table::Plans) => PLANS,
        TableKind::Kpi(Table::Tasks) => TASKS,
        TableKind::Kpi(Table::Drawn) => DRAWN,
        TableKind::Kpi(Table::Results) => RESULTS,
        TableKind::Kpi(Table::FollowUps) => FOLLOW_UPS,
        TableKind::Kpi(Table::Unplanned) => UNPLANNED,
    }
}

type Aliases = &'static [(&'static str, &'static [&'static str])];

/// The codes of a target, as every table that names targets by code heads them.
const CODE_HEADERS: &[&str] = &[
    "统一社会信用代码",
    "统一社会信用代码/注册号",
    "统一社会信用代码（注册号）",
    "注册号/统一社会信用代码",
    "统一代码",
    "社会信用代码",
    "信用代码",
    "uscc",
];

const POOL_ALIASES: Aliases = &[
    (
        "id",
        &[
            "主体标识",
            "主体id",
            "企业id",
            "对象编号",
            "检查对象编号",
            "对象id",
            "主体编号",
        ],
    ),
    ("credit_code", CODE_HEADERS),
    (
        "registration_number",
        &["注册号", "工商注册号", "营业执照注册号", "注册号码"],
    ),
    (
        "name",
        &[
            "企业名称",
            "主体名称",
            "名称",
            "市场主体名称",
            "检查对象名称",
            "对象名称",
            "企业（机构）名称",
            "单位名称",
        ],
    ),
    (
        "kind",
        &[
            "主体类型",
            "市场主体类型",
            "企业类型",
            "对象类型",
            "检查对象类型",
            "主体类别",
        ],
    ),
    (
        "region",
        &[
            "所属区域",
            "所属地区",
            "行政区划",
            "所在区域",
            "区域",
            "所属辖区",
            "辖区",
        ],
    ),
    (
        "industry",
        &[
            "行业",
            "所属行业",
            "行业类别",
            "行业分类",
            "国民经济行业",
            "行业门类",
        ],
    ),
    (
        "grid",
        &[
            "管辖单位",
            "管辖机关",
            "所属网格",
            "网格",
            "监管网格",
            "责任网格",
            "监管单位",
        ],
    ),
    (
        "status",
        &[
            "登记状态",
            "经营状态",
            "企业状态",
            "状态",
            "主体状态",
            "存续状态",
        ],
    ),
    (
        "grade",
        &[
            "信用风险分类",
            "风险等级",
            "信用风险等级",
            "风险分类",
            "信用风险分类结果",
            "风险分类结果",
            "信用等级",
            "分类结果",
            "风险级别",
        ],
    ),
    (
        "risk_score",
        &["风险分值", "风险评分", "信用风险分值", "分值"],
    ),
    (
        "positive_list",
        &[
            "正面清单",
            "是否正面清单",
            "是否纳入正面清单",
            "正面清单企业",
        ],
    ),
    (
        "tags",
        &["监管标签", "标签", "主体标签", "企业标签", "对象标签"],
    ),
    ("ignore", &["序号"]),
];

const HISTORY_ALIASES: Aliases = &[
    (
        "target_id",
        &["主体标识", "对象编号", "检查对象编号", "主体编号"],
    ),
    ("target_code", CODE_HEADERS),
    (
        "date",
        &[
            "检查日期",
            "检查时间",
            "抽查日期",
            "检查完成日期",
            "检查实施日期",
            "日期",
        ],
    ),
    (
        "department",
        &[
            "检查实施机关",
            "检查机关",
            "检查部门",
            "实施机关",
            "检查单位",
        ],
    ),
    ("item", &["抽查事项", "检查事项", "事项", "抽查事项编号"]),
    ("inspectors", &["检查人员", "执法人员", "检查人员编号"]),
    ("ignore", &["序号", "企业名称", "主体名称"]),
];

const INSPECTOR_ALIASES: Aliases = &[
    (
        "id",
        &["单位工号", "工号", "人员编号", "执法人员编号", "人员id"],
    ),
    ("name", &["姓名", "执法人员姓名", "人员姓名"]),
    (
        "department",
        &[
            "所属部门",
            "执法部门",
            "所属单位",
            "所在单位",
            "执法主体",
            "所属机关",
            "部门",
            "单位",
        ],
    ),
    (
        "unit",
        &[
            "所在业务部门（机构）",
            "业务部门",
            "所在科室",
            "科室",
            "所在机构",
            "所属科室",
        ],
    ),
    (
        "certificate",
        &[
            "执法证编号",
            "执法证号",
            "执法证件号",
            "执法证件号码",
            "行政执法证号",
            "证件号",
        ],
    ),
    (
        "certificate_expiry",
        &[
            "执法证有效期",
            "执法证有效期至",
            "证件有效期",
            "有效期",
            "有效期至",
        ],
    ),
    ("region", &["所属区域", "所在区域", "行政区划", "区域"]),
    (
        "items",
        &[
            "执法事项范围",
            "执法事项",
            "检查事项",
            "抽查事项",
            "可检查事项",
        ],
    ),
    (
        "tags",
        &[
            "专业领域",
            "业务专长",
            "专长",
            "执法领域",
            "擅长领域",
            "标签",
        ],
    ),
    ("expert", &["是否专家", "专家"]),
    (
        "active",
        &["执法人员状态", "人员状态", "在岗状态", "是否在岗", "状态"],
    ),
    ("ignore", &["序号", "性别"]),
];

const DEPARTMENT_ALIASES: Aliases = &[
    ("id", &["部门编号", "部门代码", "单位编号", "成员单位编号"]),
    (
        "name",
        &["部门名称", "单位名称", "成员单位", "成员单位名称"],
    ),
    ("ignore", &["序号"]),
];

const ITEM_ALIASES: Aliases = &[
    ("id", &["事项编号", "抽查事项编号", "事项编码"]),
    ("department", &["所属部门", "部门", "实施部门", "部门编号"]),
    ("ignore", &["序号", "事项名称", "抽查事项名称"]),
];

const PLAN_ALIASES: Aliases = &[
    ("id", &["计划编号", "计划id"]),
    ("year", &["年度", "计划年度", "年份"]),
    ("department", &["发起部门", "牵头部门", "计划部门", "部门"]),
    ("kind", &["计划类型", "抽查类型", "类型"]),
    ("participants", &["配合部门", "参与部门", "联合部门"]),
    ("items", &["抽查事项", "抽查事项编号", "事项"]),
    ("special", &["是否专项", "专项计划", "专项"]),
    ("deleted", &["是否删除", "已删除", "删减"]),
    ("deletion_reason", &["删除原因", "删减原因"]),
    ("ignore", &["序号", "计划名称"]),
];

const TASK_ALIASES: Aliases = &[
    ("id", &["任务编号", "任务id"]),
    ("plans", &["计划编号", "所属计划"]),
    ("lead", &["发起部门", "牵头部门", "检查实施机关"]),
    ("participants", &["配合部门", "参与部门", "联合部门"]),
    ("joint", &["是否联合", "是否联合抽查", "联合抽查"]),
    (
        "graded",
        &[
            "是否应用信用风险分类",
            "信用风险分类应用",
            "是否结合信用风险分类",
        ],
    ),
    (
        "created_on",
        &["创建日期", "发起日期", "任务创建日期", "任务发起日期"],
    ),
    ("due_on", &["截止日期", "任务截止日期", "完成期限"]),
    ("completed_on", &["完成日期", "任务完成日期"]),
    ("ignore", &["序号", "任务名称"]),
];

const DRAWN_ALIASES: Aliases = &[
    ("task", &["任务编号", "任务id", "抽查任务编号"]),
    ("target", &["主体标识", "对象编号", "检查对象编号"]),
    ("target_code", CODE_HEADERS),
    ("stratum", &["信用风险分类", "风险等级", "抽取层级", "分层"]),
    ("inclusion_probability", &["入样概率", "抽中概率"]),
    (
        "ignore",
        &["序号", "企业名称", "主体名称", "任务名称", "抽取日期"],
    ),
];

const RESULT_ALIASES: Aliases = &[
    ("task", &["任务编号", "任务id", "抽查任务编号"]),
    ("target", &["主体标识", "对象编号", "检查对象编号"]),
    ("target_code", CODE_HEADERS),
    ("codes", &["检查结果", "抽查结果", "结果", "检查结果类型"]),
    ("inspected_on", &["检查日期", "检查时间", "检查完成日期"]),
    ("entered_on", &["录入日期", "结果录入日期", "录入时间"]),
    ("mobile", &["是否掌上执法", "掌上执法", "移动端录入"]),
    ("published_on", &["公示日期", "结果公示日期", "公示时间"]),
    (
        "ignore",
        &["序号", "企业名称", "主体名称", "任务名称", "检查实施机关"],
    ),
];

const FOLLOW_UP_ALIASES: Aliases = &[
    ("task", &["任务编号", "任务id"]),
    ("target", &["主体标识", "对象编号", "检查对象编号"]),
    ("target_code", CODE_HEADERS),
    (
        "kind",
        &["后续处置", "后续处置方式", "处置方式", "处置类型"],
    ),
    ("opened_on", &["处置开始日期", "开始日期", "发起日期"]),
    ("closed_on", &["办结日期", "处置完成日期", "结束日期"]),
    ("ignore", &["序号", "企业名称", "主体名称"]),
];

const UNPLANNED_ALIASES: Aliases = &[
    ("id", &["编号", "检查编号"]),
    ("department", &["检查部门", "检查机关", "部门"]),
    ("date", &["检查日期", "日期"]),
    ("reason", &["检查原因", "原因", "事由"]),
    ("targets", &["检查户数", "对象数", "检查对象数"]),
    ("ignore", &["序号"]),
];

pub(super) fn aliases(kind: TableKind) -> Aliases {
    match kind {
        TableKind::Pool => POOL_ALIASES,
        TableKind::History => HISTORY_ALIASES,
        TableKind::Inspectors => INSPECTOR_ALIASES,
        TableKind::Kpi(Table::Departments) => DEPARTMENT_ALIASES,
        TableKind::Kpi(Table::Items) => ITEM_ALIASES,
        TableKind::Kpi(Table::Plans) => PLAN_ALIASES,
        TableKind::Kpi(Table::Tasks) => TASK_ALIASES,
        TableKind::Kpi(Table::Drawn) => DRAWN_ALIASES,
        TableKind::Kpi(Table::Results) => RESULT_ALIASES,
        TableKind::Kpi(Table::FollowUps) => FOLLOW_UP_ALIASES,
        TableKind::Kpi(Table::Unplanned) => UNPLANNED_ALIASES,
    }
}

type Labels = &'static [(&'static str, &'static [&'static str])];

const KIND: Labels = &[
    (
        "enterprise",
        &[
            "企业",
            "公司",
            "有限责任公司",
            "有限公司",
            "股份有限公司",
            "股份公司",
            "分公司",
            "个人独资企业",
            "合伙企业",
            "非公司企业法人",
            "企业法人",
            "内资企业",
            "外商投资企业",
            "私营企业",
            "国有企业",
            "集体企业",
        ],
    ),
    ("individual_business", &["个体工商户", "个体户", "个体"]),
    (
        "farmers_cooperative",
        &[
            "农民专业合作社",
            "合作社",
            "农民专业合作社分支机构",
            "农专社",
        ],
    ),
    (
        "non_market",
        &[
            "非市场主体",
            "事业单位",
            "社会组织",
            "社会团体",
            "民办非企业单位",
            "机关",
            "机关单位",
        ],
    ),
    ("product", &["产品"]),
    ("project", &["工程项目", "项目"]),
    ("behaviour", &["行为"]),
];

const STATUS: Labels = &[
    (
        "active",
        &[
            "存续",
            "在营",
            "开业",
            "迁入",
            "在业",
            "在册",
            "正常",
            "存续（在营、开业、在册）",
            "存续(在营、开业、在册)",
            "确立",
            // Deregistration under way: still registered, and so still a target; a mapping
            // file may say deregistered instead (docs/FORMATS.md).
            "注销中",
        ],
    ),
    ("deregistered", &["注销", "已注销"]),
    (
        "revoked",
        &[
            "吊销",
            "已吊销",
            "吊销未注销",
            "吊销，未注销",
            "吊销,未注销",
            "被吊销",
        ],
    ),
    ("cancelled", &["撤销", "已撤销", "被撤销"]),
    ("moved_out", &["迁出", "已迁出"]),
];

const GRADE: Labels = &[
    (
        "A",
        &["A类", "A级", "低风险", "低", "信用风险低", "低风险(A类)"],
    ),
    (
        "B",
        &[
            "B类",
            "B级",
            "一般风险",
            "中",
            "中风险",
            "信用风险一般",
            "一般风险(B类)",
        ],
    ),
    (
        "C",
        &[
            "C类",
            "C级",
            "较高风险",
            "中高",
            "中高风险",
            "信用风险较高",
            "较高风险(C类)",
        ],
    ),
    (
        "D",
        &["D类", "D级", "高风险", "高", "信用风险高", "高风险(D类)"],
    ),
    (
        "",
        &[
            "未分类",
            "未分级",
            "暂无",
            "无",
            "未评级",
            "未评价",
            "-",
            "/",
        ],
    ),
    ("E", &["E类", "E级"]),
];

const STRATUM: Labels = &[
    ("A", &["A类", "A级", "低风险", "低"]),
    ("B", &["B类", "B级", "一般风险", "中"]),
    ("C", &["C类", "C级", "较高风险", "中高"]),
    ("D", &["D类", "D级", "高风险", "高"]),
    (
        "ungraded",
        &["未分类", "未分级", "暂无", "无", "未评级", "u", "none"],
    ),
];

const RESULT_CODE: Labels = &[
    (
        "no_problem_found",
        &[
            "未发现问题",
            "正常（符合信息公示相关规定）",
            "正常",
            "未发现问题（符合信息公示相关规定）",
        ],
    ),
    (
        "problem_ordered_to_correct",
        &[
            "发现问题已责令改正",
            "发现问题经责令已改正",
            "发现问题经责令已经改正",
        ],
    ),
    ("problem_follow_up_pending", &["发现问题待后续处理"]),
    (
        "activity_not_carried_out",
        &["未发现开展本次抽查涉及的经营活动"],
    ),
    (
        "unreachable_at_registered_address",
        &[
            "通过登记的住所（经营场所）无法联系",
            "通过登记的住所或者经营场所无法联系",
        ],
    ),
    (
        "refused_inspection_serious",
        &["不配合检查情节严重", "不予配合情节严重"],
    ),
    (
        "closed_or_liquidating",
        &["已关闭停业或正在清算", "已关闭停业或正在组织清算"],
    ),
    ("deregistered", &["已注销", "注销"]),
    ("revoked", &["已吊销", "被吊销", "吊销"]),
    ("cancelled", &["已撤销", "被撤销", "撤销"]),
    ("moved_out", &["已迁出", "迁出"]),
    (
        "information_not_published",
        &[
            "未按规定公示应当公示的信息",
            "未按规定公示即时信息",
            "未按规定公示年报信息",
        ],
    ),
    (
        "published_information_false",
        &[
            "公示信息隐瞒真实情况弄虚作假",
            "公示信息隐瞒真实情况、弄虚作假",
        ],
    ),
    ("other", &["其他"]),
];

const FOLLOW_UP: Labels = &[
    (
        "none_needed",
        &["无需后续处置", "无需处置", "不需要后续处置", "无"],
    ),
    (
        "rectified",
        &["已整改", "整改完成", "已责令整改", "责令整改"],
    ),
    ("case_transferred", &["移送立案", "立案查处", "立案"]),
    (
        "referred",
        &["移交其他部门", "移送其他部门", "移交", "转交其他部门"],
    ),
];

const PLAN_KIND: Labels = &[
    ("single", &["单部门", "本部门", "部门内", "单部门抽查"]),
    ("joint", &["部门联合", "联合", "跨部门联合", "部门联合抽查"]),
];

const FLAG: Labels = &[
    ("true", &["是", "1", "yes", "y", "t", "√", "✓", "有"]),
    ("false", &["否", "0", "no", "n", "f", "×", "✗", "无"]),
];

const ACTIVE: Labels = &[
    (
        "true",
        &[
            "在岗", "在职", "正常", "有效", "启用", "可用", "是", "1", "yes", "y",
        ],
    ),
    (
        "false",
        &[
            "离岗",
            "离职",
            "调离",
            "退休",
            "停用",
            "无效",
            "注销",
            "暂停",
            "禁用",
            "不在岗",
            "否",
            "0",
            "no",
            "n",
        ],
    ),
];

pub(super) fn labels(vocab: Vocab) -> Labels {
    match vocab {
        Vocab::Kind => KIND,
        Vocab::Status => STATUS,
        Vocab::Grade => GRADE,
        Vocab::Stratum => STRATUM,
        Vocab::ResultCode => RESULT_CODE,
        Vocab::FollowUp => FOLLOW_UP,
        Vocab::PlanKind => PLAN_KIND,
        Vocab::Flag => FLAG,
        Vocab::Active => ACTIVE,
    }
}
