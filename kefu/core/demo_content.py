"""Content for the demo centre: a 95598 power-utility hotline in 南京 and a small 10010 taxonomy.

Pure and deterministic: every generator takes a ``random.Random`` and draws only from it, and
all data are lists or tuples (never sets), so one seed always yields the same demo across
processes and machines. Nothing here touches the database; ``kefu demo`` turns it into rows.
"""

from __future__ import annotations

import datetime as dt
import random
import re
from itertools import accumulate
from typing import Final, NamedTuple, TypedDict

from kefu.core.validation import PROVINCE_CODES, id_number_check_digit

__all__ = [
    "CUSTOMER_TIERS",
    "DISTRICTS",
    "ORGANISATION",
    "POWER_TAXONOMY",
    "REGIONS",
    "TAXONOMIES",
    "TELECOM_TAXONOMY",
    "Department",
    "Organisation",
    "Taxonomy",
    "Team",
    "account_number",
    "address",
    "contact_summary",
    "customer_tier",
    "fixed_number",
    "id_number",
    "mobile_number",
    "person_name",
]

# --- regions (GB/T 2260) -----------------------------------------------------------------

REGIONS: list[tuple[str, str, str | None]] = [
    ("320000", "江苏省", None),
    ("320100", "南京市", "320000"),
    ("320102", "玄武区", "320100"),
    ("320104", "秦淮区", "320100"),
    ("320105", "建邺区", "320100"),
    ("320106", "鼓楼区", "320100"),
    ("320111", "浦口区", "320100"),
    ("320113", "栖霞区", "320100"),
    ("320114", "雨花台区", "320100"),
    ("320115", "江宁区", "320100"),
    ("320116", "六合区", "320100"),
    ("320117", "溧水区", "320100"),
    ("320118", "高淳区", "320100"),
]
DISTRICTS: list[tuple[str, str]] = [
    (code, name) for code, name, parent in REGIONS if parent == "320100"
]
_DISTRICT_NAMES: Final = dict(DISTRICTS)
# Urban districts get the 45-minute repair arrival promise, the outer ones may get 90.
_URBAN_DISTRICTS: Final = ("320102", "320104", "320105", "320106", "320113", "320114")

# --- organisation ------------------------------------------------------------------------


class Team(TypedDict):
    code: str
    name: str
    kind: str  # "frontline", "expert", "backoffice" or "qa"


class Department(TypedDict):
    code: str
    name: str
    full_name: str


class Organisation(TypedDict):
    code: str
    name: str
    short_name: str
    hotline: str
    region_code: str
    teams: list[Team]
    departments: list[Department]


ORGANISATION: Organisation = {
    "code": "nj95598",
    "name": "国网南京供电公司95598客服中心",
    "short_name": "南京95598",
    "hotline": "95598",
    "region_code": "320100",
    "teams": [
        {"code": "team-1", "name": "一班", "kind": "frontline"},
        {"code": "team-2", "name": "二班", "kind": "frontline"},
        {"code": "team-3", "name": "三班", "kind": "frontline"},
        {"code": "team-4", "name": "四班", "kind": "frontline"},
        {"code": "expert", "name": "专席组", "kind": "expert"},
        {"code": "backoffice", "name": "后台组", "kind": "backoffice"},
        {"code": "qa", "name": "质检组", "kind": "qa"},
    ],
    "departments": [
        {"code": "repair", "name": "抢修", "full_name": "配网抢修指挥中心"},
        {"code": "marketing", "name": "营销", "full_name": "营销部"},
        {"code": "metering", "name": "计量", "full_name": "计量中心"},
        {"code": "billing", "name": "电费", "full_name": "电费管理中心"},
        {"code": "service", "name": "客户服务", "full_name": "客户服务中心"},
        # Tree clearance, sagging lines and leaning poles go to maintenance, not repair.
        {"code": "operation", "name": "运检", "full_name": "运维检修部"},
    ],
}
_DEPARTMENT_NAMES: Final = {dep["code"]: dep["full_name"] for dep in ORGANISATION["departments"]}

# --- taxonomies --------------------------------------------------------------------------


class Taxonomy(TypedDict):
    customer_attribute: list[tuple[str, str]]
    business_type: list[tuple[str, str, list[tuple[str, str]]]]


POWER_TAXONOMY: Taxonomy = {
    "customer_attribute": [
        ("resident", "居民客户"),
        ("rural_resident", "农村居民客户"),
        ("non_resident", "非居民客户"),
        ("low_voltage_non_resident", "低压非居民客户"),
        ("high_voltage", "高压客户"),
        ("important", "重要客户"),
    ],
    "business_type": [
        (
            "fault_repair",
            "故障报修",
            [
                ("power_outage", "停电"),
                ("abnormal_voltage", "电压异常"),
                ("meter_box_damage", "表箱损坏"),
                ("broken_line", "线路断线"),
                ("tree_obstruction", "树障"),
                ("pole_tilt", "电杆倾斜"),
                ("line_sparking", "线路打火冒烟"),
            ],
        ),
        (
            "billing",
            "电费电价",
            [
                ("bill_inquiry", "电费查询"),
                ("price_inquiry", "电价咨询"),
                ("tiered_pricing", "阶梯电价"),
                ("bill_dispute", "电费争议"),
                ("payment_channels", "缴费渠道"),
                ("arrears_restoration", "欠费停复电"),
                ("invoice", "电费发票"),
            ],
        ),
        (
            "connection",
            "业扩报装",
            [
                ("new_connection", "新装"),
                ("capacity_increase", "增容"),
                ("ownership_transfer", "过户"),
                ("account_closure", "销户"),
                ("application_progress", "进度查询"),
                ("ev_charger_connection", "充电桩报装"),
                ("pv_connection", "分布式光伏并网"),
            ],
        ),
        (
            "metering",
            "计量",
            [
                ("meter_fault", "电表故障"),
                ("meter_verification", "电表校验"),
                ("reading_dispute", "抄表争议"),
                ("meter_relocation", "电表移位"),
                ("meter_replacement", "电表轮换"),
            ],
        ),
        (
            "outage_info",
            "停电信息",
            [
                ("planned_outage_query", "计划停电查询"),
                ("temporary_outage", "临时停电"),
                ("restoration_time", "复电时间"),
                ("outage_scope", "停电范围"),
            ],
        ),
        (
            "consultation",
            "用电咨询",
            [
                ("electricity_safety", "安全用电"),
                ("energy_saving", "节约用电"),
                ("service_hall", "营业厅信息"),
                ("electricity_policy", "用电政策"),
                ("ev_charging", "充电桩咨询"),
            ],
        ),
        (
            "complaint",
            "投诉",
            [
                ("service_attitude", "服务态度"),
                ("repair_duration", "抢修时长"),
                ("frequent_outage", "停电频繁"),
                ("billing_error", "电费差错"),
                ("connection_delay", "业扩报装超时"),
                ("staff_conduct", "工作人员行为规范"),
            ],
        ),
        (
            "praise",
            "表扬",
            [
                ("praise_repair", "抢修人员"),
                ("praise_hall", "营业厅服务"),
                ("praise_agent", "客服代表"),
                ("praise_connection", "报装服务"),
            ],
        ),
        (
            "suggestion",
            "建议",
            [
                ("suggestion_service", "服务改进"),
                ("suggestion_grid", "电网建设"),
                ("suggestion_channel", "服务渠道"),
            ],
        ),
        (
            "online_channel",
            "95598网站/网上国网",
            [
                ("app_registration", "注册绑定"),
                ("app_payment", "线上缴费"),
                ("app_bill_query", "线上账单查询"),
                ("app_service_request", "线上业务办理"),
                ("website_usage", "95598网站使用"),
            ],
        ),
    ],
}

TELECOM_TAXONOMY: Taxonomy = {
    "customer_attribute": [
        ("individual", "个人客户"),
        ("family", "家庭客户"),
        ("star_member", "星级客户"),
        ("senior", "老年客户"),
        ("campus", "校园客户"),
        ("enterprise", "政企客户"),
    ],
    "business_type": [
        (
            "broadband_fault",
            "宽带故障",
            [
                ("no_internet", "无法上网"),
                ("slow_speed", "网速慢"),
                ("modem_red_light", "光猫亮红灯"),
                ("frequent_disconnect", "频繁掉线"),
                ("iptv_fault", "电视无信号"),
            ],
        ),
        (
            "bill_dispute",
            "话费争议",
            [
                ("unknown_charges", "不明扣费"),
                ("value_added_fee", "增值业务扣费"),
                ("data_overage", "流量超套"),
                ("international_roaming", "国际漫游费"),
                ("refund_request", "退费"),
            ],
        ),
        (
            "plan_inquiry",
            "套餐咨询",
            [
                ("plan_change", "套餐变更"),
                ("plan_details", "套餐内容"),
                ("data_pack", "流量包"),
                ("contract_expiry", "合约到期"),
            ],
        ),
        (
            "number_portability",
            "携号转网",
            [
                ("port_eligibility", "携转资格查询"),
                ("port_out", "携出办理"),
                ("port_in", "携入办理"),
            ],
        ),
        (
            "sim_services",
            "号卡业务",
            [
                ("sim_replacement", "补换卡"),
                ("suspend_resume", "停复机"),
                ("real_name", "实名登记"),
                ("number_cancellation", "销号"),
            ],
        ),
        (
            "five_g",
            "5G业务",
            [
                ("five_g_coverage", "5G信号覆盖"),
                ("five_g_plan", "5G套餐"),
                ("five_g_device", "5G终端"),
            ],
        ),
        (
            "complaint",
            "投诉",
            [
                ("network_quality", "网络质量"),
                ("service_attitude", "服务态度"),
                ("marketing_harassment", "营销骚扰"),
                ("installation_delay", "装机超时"),
                ("misleading_sales", "虚假宣传"),
            ],
        ),
    ],
}

TAXONOMIES: Final[dict[str, Taxonomy]] = {"power": POWER_TAXONOMY, "telecom": TELECOM_TAXONOMY}

# --- people ------------------------------------------------------------------------------

# Share per 10,000 people, roughly the national ranking of the 2020 census-era registry with
# a few surnames common around Nanjing (顾, 钱, 殷, 濮) nudged up.
_SURNAMES: Final[tuple[tuple[str, int], ...]] = (
    ("王", 710), ("李", 700), ("张", 680), ("刘", 540), ("陈", 460), ("杨", 310),
    ("黄", 240), ("赵", 220), ("吴", 205), ("周", 200), ("徐", 170), ("孙", 150),
    ("马", 145), ("朱", 140), ("胡", 130), ("郭", 120), ("何", 115), ("林", 110),
    ("高", 110), ("罗", 100), ("郑", 90), ("梁", 85), ("谢", 80), ("宋", 70),
    ("唐", 70), ("许", 70), ("韩", 68), ("邓", 62), ("冯", 60), ("曹", 60),
    ("彭", 58), ("曾", 56), ("肖", 56), ("田", 52), ("董", 50), ("潘", 50),
    ("袁", 50), ("蔡", 48), ("蒋", 48), ("余", 46), ("于", 46), ("杜", 42),
    ("叶", 42), ("程", 40), ("魏", 40), ("苏", 40), ("吕", 40), ("丁", 40),
    ("任", 38), ("卢", 38), ("姚", 34), ("沈", 34), ("钟", 32), ("姜", 32),
    ("崔", 30), ("谭", 30), ("陆", 32), ("范", 28), ("汪", 28), ("廖", 26),
    ("石", 26), ("金", 26), ("韦", 24), ("贾", 24), ("夏", 24), ("付", 22),
    ("方", 22), ("邹", 20), ("熊", 20), ("白", 20), ("孟", 20), ("秦", 20),
    ("邱", 20), ("侯", 19), ("江", 19), ("尹", 18), ("薛", 18), ("闫", 17),
    ("段", 17), ("雷", 17), ("龙", 16), ("黎", 15), ("史", 15), ("陶", 15),
    ("贺", 14), ("毛", 14), ("顾", 18), ("钱", 14), ("戴", 14), ("殷", 10),
    ("倪", 10), ("严", 10), ("葛", 10), ("邵", 10), ("汤", 10), ("武", 10),
    ("万", 9), ("濮", 4),
    # Compound surnames are rare but should show up now and then in a demo.
    ("欧阳", 4), ("司马", 2), ("诸葛", 2), ("上官", 2), ("司徒", 2), ("皇甫", 1),
    ("东方", 1), ("慕容", 1),
)  # fmt: skip
_SURNAME_CHOICES: Final = tuple(name for name, _ in _SURNAMES)
_SURNAME_CUM: Final = tuple(accumulate(weight for _, weight in _SURNAMES))

# Given names are built the way parents build them: a first and a second character from
# pools that read naturally for the sex, or one character alone for about 1 in 12.
_MALE_FIRST: Final = "建志国海俊文明永晓子浩宇家天立振德佳嘉博宏鹏承思一泽景昊新春金长兴卫学忠启云"
_MALE_SECOND: Final = "军强华平伟明涛杰斌峰磊超鹏辉宇轩然博勇刚林东飞龙成文亮毅航阳诚睿凯源哲晨"
_MALE_SINGLE: Final = "伟强磊军勇涛斌杰峰超浩鑫凯亮刚健波辉翔宁琦鹏飞阳坤昊岩俊毅帆"
_FEMALE_FIRST: Final = "秀桂丽玉美晓雅欣佳静梦雨思婷慧淑海春金月紫若可诗语梓一艳亚红书"
_FEMALE_SECOND: Final = "英兰芳娟敏燕霞华珍琴萍婷洁静玲丽红梅颖怡涵萱琪悦彤妍瑶雪晴蕾莹"
_FEMALE_SINGLE: Final = "静敏燕丽娟艳芳霞婷洁琳莉雯颖倩璐蕾洁萍慧娜玲瑶晶琪悦媛丹茜岚"
_SINGLE_GIVEN_NAME_SHARE: Final = 1 / 12


def person_name(rng: random.Random, *, female: bool | None = None) -> str:
    """A realistic full name such as "王建华", "陈欣怡" or "欧阳晓" (sex random by default)."""
    surname = rng.choices(_SURNAME_CHOICES, cum_weights=_SURNAME_CUM)[0]
    if female is None:
        female = rng.random() < 0.5
    if rng.random() < _SINGLE_GIVEN_NAME_SHARE:
        return surname + rng.choice(_FEMALE_SINGLE if female else _MALE_SINGLE)
    first_pool, second_pool = (
        (_FEMALE_FIRST, _FEMALE_SECOND) if female else (_MALE_FIRST, _MALE_SECOND)
    )
    first = rng.choice(first_pool)
    second = rng.choice(second_pool)
    while second == first:
        second = rng.choice(second_pool)
    return surname + first + second


# --- addresses ---------------------------------------------------------------------------

# Real roads per district; compounds are a mix of real ones and typical generic names.
_STREETS: Final[dict[str, tuple[str, ...]]] = {
    "320102": (
        "中山路", "北京东路", "珠江路", "龙蟠路", "太平北路", "长江路", "中山门大街",
        "孝陵卫街", "后宰门街", "玄武大道",
    ),
    "320104": (
        "中华路", "太平南路", "建康路", "长乐路", "大光路", "白下路", "集庆路", "瑞金路",
        "御道街", "中山南路",
    ),
    "320105": (
        "江东中路", "河西大街", "庐山路", "嘉陵江东街", "奥体大街", "集庆门大街",
        "水西门大街", "莫愁湖东路", "梦都大街",
    ),
    "320106": (
        "中山北路", "湖南路", "北京西路", "广州路", "汉中路", "虎踞路", "草场门大街",
        "定淮门大街", "宁海路", "山西路", "中央路",
    ),
    "320111": ("浦口大道", "浦珠北路", "浦滨路", "星火路", "柳州东路", "大桥北路", "公园北路"),
    "320113": (
        "仙林大道", "文苑路", "学海路", "栖霞大道", "尧新大道", "和燕路", "迈尧路", "紫东路",
    ),
    "320114": (
        "雨花南路", "软件大道", "宁丹路", "安德门大街", "小行路", "花神大道", "凤台南路",
        "雨花西路",
    ),
    "320115": (
        "双龙大道", "天元中路", "天元东路", "胜太路", "竹山路", "上元大街", "将军大道",
        "诚信大道", "金箔路", "格致路",
    ),
    "320116": ("雄州南路", "雄州东路", "雄州西路", "宁六路", "葛关路", "龙津路"),
    "320117": ("珍珠南路", "珍珠北路", "通济街", "秦淮大道", "天生桥大道"),
    "320118": ("宝塔路", "镇兴路", "北岭路", "淳中路", "学山路"),
}  # fmt: skip
_COMPOUNDS: Final[dict[str, tuple[str, ...]]] = {
    "320102": ("锁金新村", "后宰门小区", "兰园小区", "卫岗小区", "樱花苑"),
    "320104": ("瑞金北村", "武定新村", "月牙湖花园", "御道街小区", "光华园"),
    "320105": ("南湖新村", "茶南小区", "莫愁新寓", "金穗花园", "奥体名座"),
    "320106": ("五塘新村", "龙江小区", "清江花苑", "童家巷小区", "阳光广场小区"),
    "320111": ("天润城", "威尼斯水城", "明发滨江新城", "旭日上城", "桥北新村"),
    "320113": ("仙林新村", "尧化新村", "东方天郡", "摄山星城", "亚东城"),
    "320114": ("翠岭银河", "景明佳园", "春江新城", "西善花苑", "岱山新城"),
    "320115": ("百家湖花园", "翠屏城", "托乐嘉花园", "21世纪太阳城", "东山花园"),
    "320116": ("龙池花园", "雄州花园", "金宁苑", "龙津小区", "泰和苑"),
    "320117": ("秦淮花园", "永阳新村", "康桥花园", "通济苑", "珍珠花园"),
    "320118": ("淳溪新村", "宝塔花园", "金湖苑", "北岭小区", "学山苑"),
}
_COMPOUND_WORDS: Final = (
    "金陵", "阳光", "紫金", "翠竹", "锦绣", "香樟", "秦淮", "怡景", "华侨", "滨江",
    "恒盛", "银城", "万科", "嘉园", "雅居", "书香", "康居", "盛世", "丽景", "长江",
)  # fmt: skip
_COMPOUND_SUFFIXES: Final = ("花园", "苑", "小区", "新村", "家园", "名居")


def _district_or_random(region_code: str | None, rng: random.Random) -> str:
    if region_code is None:
        return rng.choice(DISTRICTS)[0]
    if region_code not in _DISTRICT_NAMES:
        raise ValueError(f"Not a Nanjing district code: {region_code!r}")
    return region_code


def _compound(rng: random.Random, district: str) -> str:
    if rng.random() < 0.5:
        return rng.choice(_COMPOUNDS[district])
    return rng.choice(_COMPOUND_WORDS) + rng.choice(_COMPOUND_SUFFIXES)


def _room(rng: random.Random) -> str:
    return f"{rng.randint(1, 18)}{rng.randint(1, 4):02d}室"


def address(rng: random.Random, region_code: str | None = None) -> tuple[str, str]:
    """A full residential address in a Nanjing district and that district's code.

    E.g. ("江苏省南京市鼓楼区中山北路128号清江花苑3栋2单元501室", "320106"). Pass
    ``region_code`` (a district code) to choose the district.
    """
    district = _district_or_random(region_code, rng)
    prefix = f"江苏省南京市{_DISTRICT_NAMES[district]}"
    street = rng.choice(_STREETS[district])
    number = rng.randint(1, 360)
    building = rng.randint(1, 32)
    unit = rng.randint(1, 4)
    form = rng.random()
    if form < 0.45:
        detail = f"{street}{number}号{_compound(rng, district)}{building}栋{unit}单元{_room(rng)}"
    elif form < 0.75:
        # Nanjing addresses often name only the compound and use 幢 for the building.
        detail = f"{_compound(rng, district)}{building}幢{unit}单元{_room(rng)}"
    elif form < 0.9:
        detail = f"{street}{number}号{building}栋{_room(rng)}"
    else:
        detail = f"{street}{number}号"
    return prefix + detail, district


# --- numbers -----------------------------------------------------------------------------

# Mainland mobile prefixes with rough market weights; each passes phonenumbers as MOBILE
# for every 8-digit suffix (unlike 149 or 174, which are only partly allocated).
_MOBILE_PREFIXES: Final[tuple[tuple[str, int], ...]] = (
    # China Mobile
    ("134", 2), ("135", 5), ("136", 5), ("137", 5), ("138", 6), ("139", 6), ("147", 1),
    ("150", 4), ("151", 4), ("152", 4), ("157", 3), ("158", 4), ("159", 4), ("172", 1),
    ("178", 2), ("182", 4), ("183", 3), ("184", 1), ("187", 4), ("188", 4), ("195", 1),
    ("197", 1), ("198", 2),
    # China Unicom
    ("130", 3), ("131", 3), ("132", 3), ("145", 1), ("155", 3), ("156", 3), ("166", 2),
    ("175", 2), ("176", 2), ("185", 3), ("186", 4), ("196", 1),
    # China Telecom
    ("133", 3), ("153", 3), ("173", 2), ("177", 2), ("180", 3), ("181", 3), ("189", 4),
    ("190", 1), ("191", 1), ("193", 1), ("199", 2),
    # China Broadnet and virtual operators (虚拟运营商)
    ("192", 1), ("162", 1), ("165", 1), ("167", 1), ("170", 1), ("171", 1),
)  # fmt: skip
_MOBILE_PREFIX_CHOICES: Final = tuple(prefix for prefix, _ in _MOBILE_PREFIXES)
_MOBILE_PREFIX_CUM: Final = tuple(accumulate(weight for _, weight in _MOBILE_PREFIXES))


def mobile_number(rng: random.Random) -> str:
    """An 11-digit mainland mobile number with a real operator prefix."""
    prefix = rng.choices(_MOBILE_PREFIX_CHOICES, cum_weights=_MOBILE_PREFIX_CUM)[0]
    return f"{prefix}{rng.randrange(10**8):08d}"


def fixed_number(rng: random.Random) -> str:
    """A Nanjing fixed line: "025" and 8 digits starting with 5-8."""
    return f"025{rng.randint(5, 8)}{rng.randrange(10**7):07d}"


_BIRTH_FIRST: Final = dt.date(1945, 1, 1)
_BIRTH_SPAN_DAYS: Final = (dt.date(2004, 12, 31) - _BIRTH_FIRST).days + 1


def id_number(
    rng: random.Random, region_code: str | None = None, *, female: bool | None = None
) -> str:
    """A valid 18-character resident ID number for someone born 1945-2004.

    ``region_code`` is any 6-digit county-level code (default: a Nanjing district); the
    17th digit is odd for men and even for women, as GB 11643 prescribes.
    """
    if region_code is None:
        region_code = rng.choice(DISTRICTS)[0]
    elif not (
        len(region_code) == 6
        and region_code.isascii()
        and region_code.isdigit()
        and region_code[:2] in PROVINCE_CODES
        and region_code[2:] != "0000"
    ):
        raise ValueError(f"Not a county-level region code: {region_code!r}")
    birth = _BIRTH_FIRST + dt.timedelta(days=rng.randrange(_BIRTH_SPAN_DAYS))
    if female is None:
        female = rng.random() < 0.5
    sex_digit = rng.choice("02468" if female else "13579")
    first17 = f"{region_code}{birth:%Y%m%d}{rng.randrange(100):02d}{sex_digit}"
    return first17 + id_number_check_digit(first17)


_ACCOUNT_SPACE: Final = 10**8
# Any multiplier coprime to 10 makes index -> (a * index + b) mod 10^8 a bijection, so the
# numbers are unique without looking sequential.
_ACCOUNT_MULTIPLIER: Final = 48_271_039
_ACCOUNT_OFFSET: Final = 17_350_462


def account_number(index: int) -> str:
    """The stable 10-digit 户号 of the ``index``-th demo customer: "32" and 8 digits."""
    if not 0 <= index < _ACCOUNT_SPACE:
        raise ValueError(f"index must be in [0, {_ACCOUNT_SPACE}), got {index}")
    return f"32{(index * _ACCOUNT_MULTIPLIER + _ACCOUNT_OFFSET) % _ACCOUNT_SPACE:08d}"


CUSTOMER_TIERS: Final[tuple[tuple[str, int], ...]] = (
    ("general", 85),
    ("high_value", 8),
    ("vip", 4),
    ("special", 3),
)
_TIER_CHOICES: Final = tuple(code for code, _ in CUSTOMER_TIERS)
_TIER_CUM: Final = tuple(accumulate(weight for _, weight in CUSTOMER_TIERS))


def customer_tier(rng: random.Random) -> str:
    """Weighted service tier: general ~85%, high_value ~8%, vip ~4%, special ~3%."""
    return rng.choices(_TIER_CHOICES, cum_weights=_TIER_CUM)[0]


# --- contact summaries -------------------------------------------------------------------

# Each business type has sentence templates; each content has (ask, reply) pairs written to
# fit all templates of its business type, so any combination reads as one coherent note.
# Placeholders are filled from _summary_context().
_Pairs = tuple[tuple[str, str], ...]
_Business = tuple[tuple[str, ...], dict[str, _Pairs]]

_POWER_SUMMARIES: Final[dict[str, _Business]] = {
    "fault_repair": (
        (
            "客户来电反映{addr}{ask}，{reply}，已派发抢修工单，抢修人员预计{eta}分钟内到达现场。",
            "客户反映{addr}自{since}起{ask}，要求尽快处理。{reply}，已生成故障报修工单派至"
            "{repair_team}，告知客户抢修人员到达前会电话联系，请保持电话畅通。",
            "客户第{n_times}次来电催办，反映{addr}{ask}，前次报修已超过{hours}小时仍无人到场，"
            "客户情绪激动。已安抚客户并再次催办{repair_team}。",
            "客户来电称{addr}{ask}，户号{account}。{reply}，已派单至{repair_team}处理。",
        ),
        {
            "power_outage": (
                ("家中停电，邻居家有电", "已指导客户检查家中漏电保护器，确认未跳闸"),
                ("整栋楼停电", "已核实该区域无计划停电及欠费停电信息"),
                ("家中停电，电表屏幕无显示", "已核实户号无欠费记录"),
            ),
            "abnormal_voltage": (
                ("电压不稳，灯光忽明忽暗", "已提醒客户暂时关闭空调等大功率电器"),
                ("电压偏低，空调无法启动", "已提醒客户暂停使用大功率电器"),
                (
                    "电压过高，家中冰箱、电视被烧坏",
                    "已告知客户保留损坏电器，待现场核实后按规定处理",
                ),
            ),
            "meter_box_damage": (
                ("所在楼道表箱门损坏无法关闭", "已提醒客户不要触碰表箱内设备"),
                ("所在楼栋表箱锈蚀严重，箱门脱落", "已提醒客户远离表箱，注意安全"),
                ("楼下表箱被车辆撞坏，有电线外露", "已告知客户在周围设置警示，远离外露电线"),
            ),
            "broken_line": (
                ("门口电线被大风刮断掉落在地", "已告知客户远离断线8米以外，并提醒周边行人"),
                ("附近低压线路断线，电线垂落在路边", "已告知客户不要靠近或触碰断线"),
                ("接户线断线，家中停电", "已告知客户不要自行接线"),
            ),
            "tree_obstruction": (
                ("附近路边树枝碰触电线，刮风时有火花", "已告知客户不要自行修剪树枝"),
                ("小区内树木长高压住电线", "已告知客户树枝修剪需由专业人员停电或带电作业"),
                ("门前树枝搭在电线上，存在安全隐患", "已提醒客户雨天远离该处"),
            ),
            "pole_tilt": (
                ("附近路边电线杆明显倾斜", "已提醒客户及周边居民远离电杆"),
                ("门口电线杆被车辆撞后倾斜，随时可能倒下", "已告知客户在周围设置警示，远离电杆"),
            ),
            "line_sparking": (
                ("附近电线杆上有打火冒烟现象", "已告知客户远离现场，不要靠近"),
                ("楼道表箱内有异响并冒烟", "已告知客户如有明火立即拨打119"),
                ("门口接户线接头处打火", "已告知客户远离打火点，必要时断开家中总闸"),
            ),
        },
    ),
    "billing": (
        (
            "客户来电{ask}。已核实户号{account}，{reply}。",
            "客户（户号{account}）{ask}，{reply}。",
            "客户来电{ask}，{reply}，客户表示清楚，无其他诉求。",
        ),
        {
            "bill_inquiry": (
                ("查询{month}月电费", "已告知客户{month}月电费{amount}，用电量{kwh}度，已结清"),
                (
                    "查询当前电费余额",
                    "已告知客户当前账户余额{amount}，可在网上国网App“电费余额”中随时查看",
                ),
                (
                    "反映本月未收到电费短信提醒",
                    "已核实预留手机号无误，告知客户{month}月电费{amount}，并为其重新订阅电费短信",
                ),
            ),
            "price_inquiry": (
                (
                    "咨询峰谷分时电价时段",
                    "已告知客户峰时段为8:00至21:00，电价0.5583元/度，谷时段为21:00至次日8:00，"
                    "电价0.3583元/度",
                ),
                (
                    "咨询商铺用电电价",
                    "已告知客户一般工商业用电执行分时电价，具体以电费账单为准，可至{hall}咨询",
                ),
                (
                    "咨询出租房电价标准",
                    "已告知客户出租房按居民生活用电电价执行，房东不得加价收取电费",
                ),
            ),
            "tiered_pricing": (
                (
                    "咨询阶梯电价如何计算",
                    "已告知客户年度用电量2760度以内执行第一档0.5283元/度，2761至4800度执行第二档"
                    "0.5783元/度，超过4800度执行第三档0.8283元/度",
                ),
                (
                    "反映{month}月电费突然增加，质疑已进入第二档",
                    "已核实客户年度累计用电量{kwh_year}度，已超过第一档2760度，已向客户解释"
                    "阶梯电价按年度累计计算",
                ),
                (
                    "咨询家庭人口多能否增加阶梯电量基数",
                    "已告知客户5人及以上家庭可携带户口本、身份证到{hall}申请增加阶梯基数",
                ),
            ),
            "bill_dispute": (
                (
                    "反映{month}月电费{big_amount}，比往月高出很多，怀疑计费有误",
                    "已核实抄表示数正常，客户仍有异议，已派发核查工单，{days}个工作日内回复",
                ),
                (
                    "反映电费被重复扣款{amount}",
                    "已核实确有重复扣款，已派发退费工单，款项将于{days}个工作日内原路退回",
                ),
                (
                    "对{month}月电费有异议，称家中长期无人居住却产生电费{amount}",
                    "已提醒客户检查冰箱、热水器等设备是否未断电，已派发现场核查工单",
                ),
            ),
            "payment_channels": (
                (
                    "咨询电费缴纳方式",
                    "已告知客户可通过网上国网App、支付宝、微信、银行代扣或到{hall}缴费",
                ),
                (
                    "咨询如何办理银行代扣电费",
                    "已告知客户携带身份证、银行卡到开户银行网点或{hall}办理代扣签约",
                ),
                (
                    "反映通过支付宝缴费{amount}后电费仍显示欠费",
                    "已告知客户第三方渠道到账存在延迟，一般1至2个工作日内销账，请客户保留缴费凭证",
                ),
            ),
            "arrears_restoration": (
                (
                    "反映家中因欠费被停电，已缴清电费{amount}，要求复电",
                    "已核实缴费已到账，已发起远程复电，告知客户一般30分钟内恢复供电",
                ),
                (
                    "咨询为何未收到欠费提醒就被停电",
                    "已核实系统已于{date}向预留手机号发送欠费停电预告短信，告知客户缴清欠费后"
                    "可远程复电",
                ),
                (
                    "反映缴费后超过2小时仍未复电",
                    "已核实远程复电指令执行失败，已派发现场复电工单",
                ),
            ),
            "invoice": (
                ("咨询如何开具电费发票", "已告知客户可在网上国网App“电费发票”中下载电子发票"),
                (
                    "要求开具{month}月电费增值税专用发票",
                    "已告知客户需提供营业执照及开票信息到{hall}办理",
                ),
                (
                    "反映网上国网App中无法下载{month}月电子发票",
                    "已告知客户电子发票在缴费后次月生成，如仍无法下载可到{hall}补开",
                ),
            ),
        },
    ),
    "connection": (
        (
            "客户来电{ask}，{reply}。",
            "客户（联系电话尾号{phone_tail}）来电{ask}，{reply}，客户表示知晓。",
            "客户{ask}，{reply}，已在系统中记录本次来电。",
        ),
        {
            "new_connection": (
                (
                    "咨询新房如何申请用电新装",
                    "已告知客户携带身份证、房产证到{hall}或通过网上国网App办理居民新装",
                ),
                (
                    "申请{addr}居民生活用电新装",
                    "已登记客户申请，告知客户工作人员将在{days}个工作日内联系上门勘查",
                ),
                (
                    "咨询商铺新装三相电需要哪些材料",
                    "已告知客户需提供营业执照、法人身份证及房屋产权证明，可在网上国网App提交申请",
                ),
            ),
            "capacity_increase": (
                (
                    "反映家中空调较多经常跳闸，咨询增容",
                    "已告知客户可申请将容量由{kw}千瓦增至{kw2}千瓦，需携带身份证、房产证到{hall}办理",
                ),
                (
                    "咨询店铺增容办理流程",
                    "已告知客户可通过网上国网App提交增容申请，工作人员会上门勘查后确定供电方案",
                ),
            ),
            "ownership_transfer": (
                (
                    "咨询购买二手房后如何办理电费过户",
                    "已告知客户携带房产证及身份证到{hall}办理过户，也可通过网上国网App线上办理",
                ),
                (
                    "反映已办理房屋过户，但电费账单仍为原房主姓名",
                    "已告知客户需单独办理用电过户，已为客户登记过户申请",
                ),
            ),
            "account_closure": (
                (
                    "咨询房屋拆迁后如何办理销户",
                    "已告知客户携带身份证及拆迁证明到{hall}办理销户，并结清电费",
                ),
                (
                    "申请商铺停业销户，要求退还预存电费{amount}",
                    "已告知客户销户结清电费后余额可退回，需提供本人银行卡信息",
                ),
            ),
            "application_progress": (
                (
                    "查询{date}提交的新装申请进度",
                    "已核实申请处于现场勘查环节，已催办，告知客户{days}个工作日内会有工作人员联系",
                ),
                (
                    "反映增容申请提交后一直无人联系",
                    "已核实工单处于待勘查状态，已催办{dept_marketing}，并告知客户保持电话畅通",
                ),
            ),
            "ev_charger_connection": (
                (
                    "咨询小区车位安装充电桩需要哪些材料",
                    "已告知客户需提供身份证、车位产权证明或租赁合同、物业同意安装证明，"
                    "可通过网上国网App申请",
                ),
                (
                    "反映物业不同意安装充电桩",
                    "已告知客户报装需物业出具相关证明，建议与物业协商，必要时向街道或社区反映",
                ),
            ),
            "pv_connection": (
                (
                    "咨询屋顶分布式光伏如何申请并网",
                    "已告知客户可通过网上国网App“新能源”专区提交并网申请，需提供身份证、房产证明",
                ),
                (
                    "查询光伏发电上网电费结算时间",
                    "已告知客户上网电费按月结算，一般在次月{settle_day}日前转入客户登记的银行卡",
                ),
            ),
        },
    ),
    "metering": (
        (
            "客户来电{ask}，户号{account}，{reply}。",
            "客户{ask}。{reply}。",
            "客户来电{ask}，要求尽快处理。{reply}，客户表示同意。",
        ),
        {
            "meter_fault": (
                (
                    "反映电表屏幕黑屏无显示，家中仍有电",
                    "已派发计量故障工单，告知客户工作人员{days}个工作日内上门检查",
                ),
                (
                    "反映电表报警灯常亮",
                    "已核实账户余额仅剩{small_amount}，告知客户报警灯为余额不足提醒，建议及时缴费",
                ),
                (
                    "反映电表（表号{meter}）有异响并有焦味",
                    "已告知客户注意安全，已派发紧急抢修工单",
                ),
            ),
            "meter_verification": (
                (
                    "怀疑电表走字过快，要求校验电表",
                    "已向客户说明校验流程，已派发校验工单，{days}个工作日内安排上门",
                ),
                (
                    "对表号{meter}的校验结果有异议",
                    "已告知客户可向当地计量检定机构申请仲裁检定，已记录客户诉求",
                ),
            ),
            "reading_dispute": (
                (
                    "反映{month}月抄表示数与电表实际显示不符",
                    "已核实系统示数为{reading}，客户自报示数为{reading2}，已派发现场核抄工单",
                ),
                (
                    "反映家中无人居住但{month}月仍有用电量{kwh}度",
                    "已建议客户断开总闸观察电表是否走字，已派发现场核查工单",
                ),
            ),
            "meter_relocation": (
                (
                    "因房屋装修申请电表移位",
                    "已告知客户携带身份证、房产证到{hall}提交申请，工作人员现场勘查后确定方案",
                ),
                (
                    "反映电表安装位置过低，存在被水淹风险",
                    "已记录客户诉求并派发现场勘查工单，{days}个工作日内联系客户",
                ),
            ),
            "meter_replacement": (
                (
                    "反映电表更换后{month}月电费明显增加",
                    "已告知客户旧表拆回示数{reading}已结算，新表从0起计，已派发核查工单供客户核对",
                ),
                (
                    "咨询上门更换电表是否收费",
                    "已告知客户电能表周期轮换不收取费用，工作人员会佩戴工作证上门，请注意核实身份",
                ),
            ),
        },
    ),
    "outage_info": (
        (
            "客户来电{ask}，{reply}。",
            "客户{ask}。经查询，{reply}，客户表示理解。",
            "客户来电{ask}，情绪较急。{reply}，并提醒客户停电期间关闭大功率电器。",
        ),
        {
            "planned_outage_query": (
                (
                    "查询{area}近期是否有计划停电",
                    "已告知客户{later}8:00至17:00因线路检修计划停电，可关注网上国网App停电公告",
                ),
                (
                    "咨询{later}的计划停电是否照常进行",
                    "已核实该计划停电按原计划执行，停电时间为8:30至16:30",
                ),
            ),
            "temporary_outage": (
                (
                    "反映{area}突然停电，未收到任何通知",
                    "已核实该区域因设备故障临时停电，抢修人员已在现场处理，预计{restore_time}恢复供电",
                ),
                (
                    "咨询今天停电是否为临时停电",
                    "已告知客户该区域因配合市政施工临时停电，预计{restore_time}恢复供电",
                ),
            ),
            "restoration_time": (
                (
                    "询问{area}何时恢复供电",
                    "已告知客户抢修人员正在现场处理，预计{restore_time}恢复供电",
                ),
                (
                    "反映已过公告复电时间仍未来电",
                    "已联系抢修班组，因故障点查找耗时，预计延迟至{restore_time}复电，已向客户致歉",
                ),
            ),
            "outage_scope": (
                (
                    "咨询{later}的计划停电是否影响所住小区",
                    "已核实该小区在本次停电范围内，已告知客户提前做好准备",
                ),
                (
                    "反映小区只有部分楼栋停电",
                    "已核实停电由单台变压器故障引起，已派发抢修工单",
                ),
            ),
        },
    ),
    "consultation": (
        (
            "客户来电{ask}，{reply}。",
            "客户{ask}，{reply}，客户表示满意。",
            "客户来电{ask}。{reply}，客户无其他疑问。",
        ),
        {
            "electricity_safety": (
                (
                    "咨询家中漏电保护器频繁跳闸的原因",
                    "已告知客户可能为家中电器或线路漏电，建议逐一断开电器排查，必要时请专业电工检修",
                ),
                (
                    "咨询雷雨天气安全用电注意事项",
                    "已告知客户雷雨天气尽量拔掉电视、电脑等电器插头，远离电线杆和变压器",
                ),
            ),
            "energy_saving": (
                (
                    "咨询家庭节约用电的方法",
                    "已告知客户夏季空调温度设置不低于26度，电器不用时及时断电",
                ),
                (
                    "咨询峰谷电价是否划算",
                    "已告知客户如夜间用电较多可申请峰谷电价，谷时段电价0.3583元/度",
                ),
            ),
            "service_hall": (
                (
                    "咨询附近供电营业厅地址及营业时间",
                    "已告知客户{hall}地址及营业时间，并建议客户优先通过网上国网App办理",
                ),
                (
                    "咨询营业厅能否办理居民增容业务",
                    "已告知客户可到{hall}办理，也可通过网上国网App线上申请",
                ),
            ),
            "electricity_policy": (
                (
                    "咨询低保户是否有电费优惠",
                    "已告知客户低保户、五保户每月可享受一定额度的免费电量，需到{hall}登记办理",
                ),
                (
                    "咨询出租房能否单独申请一户一表",
                    "已告知客户需房屋产权人同意并提供相关证明，可到{hall}咨询办理",
                ),
            ),
            "ev_charging": (
                (
                    "咨询家用充电桩执行什么电价",
                    "已告知客户居民充电桩可选择执行峰谷分时电价，谷时段充电更划算",
                ),
                (
                    "咨询附近公共充电站位置",
                    "已告知客户可通过网上国网App或“e充电”App查询附近充电站",
                ),
            ),
        },
    ),
    "complaint": (
        (
            "客户来电投诉{ask}，要求{demand}。已安抚客户情绪，{reply}。",
            "客户情绪激动，投诉{ask}。已记录客户诉求，{reply}。",
            "客户来电投诉{ask}，已向客户致歉，{reply}，客户要求{days}个工作日内给予答复。",
        ),
        {
            "service_attitude": (
                (
                    "{hall}工作人员{date}办理业务时态度生硬、不耐烦",
                    "已派发投诉工单至{dept_service}核实处理",
                ),
                (
                    "{date}拨打95598时客服人员中途挂断电话",
                    "已派发投诉工单，将调取通话录音核实",
                ),
            ),
            "repair_duration": (
                (
                    "{date}报修停电后抢修人员{hours}小时才到现场",
                    "已派发投诉工单至{dept_repair}核实到达时间",
                ),
                (
                    "抢修人员到场未修好就离开，家中至今仍停电",
                    "已催办抢修并派发投诉工单",
                ),
            ),
            "frequent_outage": (
                (
                    "{area}近一个月停电{n_outages}次，严重影响生活",
                    "已派发投诉工单至{dept_operation}排查线路隐患",
                ),
                (
                    "所在小区夏季频繁跳闸停电，多次报修未彻底解决",
                    "已派发投诉工单，要求相关部门排查变压器负荷情况",
                ),
            ),
            "billing_error": (
                (
                    "{month}月电费被错误计算为{big_amount}",
                    "已派发投诉工单至{dept_billing}核查电费",
                ),
                (
                    "户号绑定错误，误缴他人电费{amount}",
                    "已派发投诉工单，要求核实后退还错缴电费",
                ),
            ),
            "connection_delay": (
                (
                    "{date}提交的新装申请超过规定时限仍未装表",
                    "已派发投诉工单至{dept_marketing}催办",
                ),
                (
                    "增容申请勘查后一直没有答复",
                    "已派发投诉工单，要求相关部门尽快联系客户",
                ),
            ),
            "staff_conduct": (
                (
                    "上门抄表人员未佩戴工作证，且态度恶劣",
                    "已派发投诉工单，要求严肃核查处理",
                ),
                (
                    "抢修人员作业后未清理现场，留下大量垃圾",
                    "已派发投诉工单至{dept_repair}核实处理",
                ),
            ),
        },
    ),
    "praise": (
        (
            "客户来电表扬{ask}，{reply}。",
            "客户特意致电表示感谢，表扬{ask}，{reply}。",
            "客户来电表扬{ask}，{reply}，并感谢客户对供电服务的认可。",
        ),
        {
            "praise_repair": (
                (
                    "{date}晚上{repair_team}{staff}冒雨抢修，很快恢复供电",
                    "已登记表扬信息并转相关部门",
                ),
                (
                    "抢修人员{staff}处理故障耐心细致，还帮忙检查了家中线路",
                    "已记录表扬，将转达相关班组",
                ),
            ),
            "praise_hall": (
                ("{hall}工作人员帮助老人办理过户业务，服务热情周到", "已登记表扬信息"),
                ("{hall}工作人员主动延时为其办理业务", "已登记表扬信息并转{dept_service}"),
            ),
            "praise_agent": (
                ("工号{agent_no}的客服代表解答问题专业耐心", "已记录表扬"),
                ("工号{agent_no}的客服代表帮其快速查到停电原因", "已记录表扬并转质检组"),
            ),
            "praise_connection": (
                ("充电桩报装从申请到装表只用了{days}天", "已登记表扬并转{dept_marketing}"),
                ("客户经理上门服务，新装手续一次办结", "已登记表扬信息"),
            ),
        },
    ),
    "suggestion": (
        (
            "客户来电{ask}，{reply}。",
            "客户{ask}，{reply}，感谢客户的宝贵意见。",
            "客户来电称近期多次遇到不便，{ask}，{reply}。",
        ),
        {
            "suggestion_service": (
                ("建议计划停电通知提前三天通过短信发送", "已记录客户建议并转相关部门"),
                ("建议营业厅周末延长营业时间", "已记录客户建议"),
            ),
            "suggestion_grid": (
                ("建议对{area}的老旧线路进行改造", "已记录建议并转{dept_operation}"),
                ("建议小区增设变压器，解决夏季电压偏低问题", "已记录建议并转相关部门评估"),
            ),
            "suggestion_channel": (
                ("建议网上国网App增加按日查询电费功能", "已记录客户建议"),
                ("建议95598语音菜单简化，方便老年人直接转人工", "已记录客户建议并反馈"),
            ),
        },
    ),
    "online_channel": (
        (
            "客户来电{ask}，{reply}。",
            "客户{ask}。{reply}，客户表示会按指引操作。",
            "客户来电{ask}，户号{account}，{reply}，客户表示清楚。",
        ),
        {
            "app_registration": (
                (
                    "反映网上国网App绑定户号时提示“户名不一致”",
                    "已核实户名为原房主姓名，已告知客户需先办理过户后再绑定",
                ),
                (
                    "咨询网上国网App如何绑定多个户号",
                    "已指导客户在“我的—户号管理”中添加绑定",
                ),
            ),
            "app_payment": (
                (
                    "反映在网上国网App缴费{amount}已扣款但显示缴费失败",
                    "已核实款项已到账，系状态同步延迟，已告知客户无需重复缴费",
                ),
                (
                    "咨询网上国网App能否设置自动缴费",
                    "已指导客户在App中签约银行代扣",
                ),
            ),
            "app_bill_query": (
                (
                    "反映网上国网App中{month}月账单与短信金额不一致",
                    "已核实以系统电费{amount}为准，短信金额为预估值，已向客户解释",
                ),
                (
                    "咨询如何在网上国网App查看每日用电量",
                    "已指导客户在“用电分析”中查看日用电量",
                ),
            ),
            "app_service_request": (
                (
                    "反映通过网上国网App提交的过户申请被退回",
                    "已核实因上传的房产证照片不清晰被退回，已告知客户重新上传",
                ),
                (
                    "咨询能否在网上国网App申请电表校验",
                    "已告知客户可在App“业务办理”中提交申请",
                ),
            ),
            "website_usage": (
                (
                    "反映95598网站无法登录",
                    "已告知客户95598网站相关功能已整合至网上国网App，建议下载使用",
                ),
                (
                    "咨询95598网站能否查询停电信息",
                    "已告知客户可通过网上国网App“停电公告”查询",
                ),
            ),
        },
    ),
}

_TELECOM_SUMMARIES: Final[dict[str, _Business]] = {
    "broadband_fault": (
        (
            "客户来电{ask}，{reply}。",
            "客户（宽带账号{bb_account}）{ask}，{reply}。",
            "客户第{n_times}次来电{ask}，{reply}，客户要求尽快解决。",
        ),
        {
            "no_internet": (
                (
                    "反映{addr}宽带无法上网",
                    "已远程重启端口无效，已派发故障工单，装维人员24小时内上门",
                ),
                (
                    "反映家中宽带{date}起无法上网，光猫指示灯正常",
                    "已指导客户重启光猫和路由器后恢复正常",
                ),
            ),
            "slow_speed": (
                (
                    "反映{mbps}宽带晚上网速只有几兆",
                    "已远程测速线路正常，建议客户更换千兆路由器，已派发上门检测工单",
                ),
                (
                    "反映玩游戏延迟高、网速慢",
                    "已指导客户用网线直连测速，测速达标，已告知客户无线信号受距离和墙体影响",
                ),
            ),
            "modem_red_light": (
                (
                    "反映光猫LOS灯亮红灯，无法上网",
                    "已核实为光纤线路故障，已派发故障工单，装维人员{hours}小时内上门",
                ),
                (
                    "反映装修后光猫一直亮红灯",
                    "已告知客户可能是光纤被弯折或损坏，已派发上门维修工单",
                ),
            ),
            "frequent_disconnect": (
                (
                    "反映宽带每天频繁掉线，需要重启光猫才能恢复",
                    "已远程查看端口存在频繁掉线记录，已派发故障工单",
                ),
                (
                    "反映下雨天宽带经常断网",
                    "已告知客户可能为室外线路进水，已派发故障工单",
                ),
            ),
            "iptv_fault": (
                (
                    "反映IPTV电视无信号，提示“网络连接失败”",
                    "已指导客户检查机顶盒网线并重启，仍未恢复，已派发故障工单",
                ),
                (
                    "反映电视直播频道卡顿花屏",
                    "已远程检测机顶盒在线，已为客户刷新业务数据",
                ),
            ),
        },
    ),
    "bill_dispute": (
        (
            "客户（手机尾号{phone_tail}）来电{ask}，{reply}。",
            "客户{ask}。经查询，{reply}。",
            "客户来电{ask}，情绪较激动，{reply}，客户表示认可。",
        ),
        {
            "unknown_charges": (
                (
                    "反映{month}月话费{amount}，比平时多出不少，不清楚扣费原因",
                    "已查询账单明细，系套外通话费用，已向客户逐项解释",
                ),
                (
                    "反映账单中有一笔{small_amount}的不明费用",
                    "已核实为客户{date}订购的彩铃业务费用，已为客户退订",
                ),
            ),
            "value_added_fee": (
                (
                    "反映手机被扣取增值业务费{small_amount}，本人从未订购",
                    "已为客户退订该业务，并提交退费申请",
                ),
                (
                    "反映每月被扣视频会员费{small_amount}",
                    "已核实为客户{date}通过短信订购，已为客户退订",
                ),
            ),
            "data_overage": (
                (
                    "反映{month}月流量超出套餐，被扣费{amount}",
                    "已向客户解释超套流量按套外资费计费，已推荐客户办理流量包",
                ),
                (
                    "反映未收到流量超套提醒短信",
                    "已核实提醒短信已于{date}下发，已为客户开通流量使用提醒",
                ),
            ),
            "international_roaming": (
                (
                    "反映出境旅游期间产生国际漫游费{big_amount}",
                    "已核实为流量漫游费用，已提交费用核减申请，{days}个工作日内答复",
                ),
                (
                    "咨询出国前如何避免高额漫游费",
                    "已告知客户可提前办理国际漫游流量包，或在手机上关闭数据漫游",
                ),
            ),
            "refund_request": (
                (
                    "要求退还{month}月重复扣取的套餐费{plan_fee}元",
                    "已核实属实，已提交退费申请，费用将在{days}个工作日内返还至话费账户",
                ),
                (
                    "要求退还已销户号码的余额{small_amount}",
                    "已告知客户携带身份证到营业厅办理余额退还",
                ),
            ),
        },
    ),
    "plan_inquiry": (
        (
            "客户来电{ask}，{reply}。",
            "客户（手机尾号{phone_tail}）{ask}，{reply}。",
            "客户来电{ask}。经查询，{reply}。",
        ),
        {
            "plan_change": (
                (
                    "咨询将现有套餐改为{plan_fee}元5G套餐",
                    "已告知客户套餐变更次月生效，已为客户办理预约变更",
                ),
                ("要求降低套餐档次", "已告知客户当前处于合约期内，合约到期后可办理降档"),
            ),
            "plan_details": (
                (
                    "咨询当前套餐包含的流量和通话时长",
                    "已告知客户当前{plan_fee}元套餐含国内通用流量{data_gb}GB、国内通话{minutes}分钟",
                ),
                (
                    "咨询套餐内流量能否结转到下月",
                    "已告知客户当月未用完的通用流量可结转至次月使用",
                ),
            ),
            "data_pack": (
                (
                    "咨询流量不够用有什么流量包",
                    "已向客户介绍{pack_fee}元{pack_gb}GB的月包，客户已办理",
                ),
                (
                    "咨询流量包能否退订",
                    "已告知客户月包次月起不再续订，当月费用不予退还",
                ),
            ),
            "contract_expiry": (
                (
                    "咨询合约到期后套餐如何变化",
                    "已告知客户合约于{date}到期，到期后恢复原套餐资费，可续约享受优惠",
                ),
                (
                    "咨询合约期内能否提前解约",
                    "已告知客户提前解约需按协议支付违约金，建议合约到期后再办理",
                ),
            ),
        },
    ),
    "number_portability": (
        (
            "客户来电{ask}，{reply}。",
            "客户（手机尾号{phone_tail}）{ask}，{reply}。",
            "客户{ask}。经查询，{reply}，客户表示知晓。",
        ),
        {
            "port_eligibility": (
                (
                    "咨询本机号码能否携号转网",
                    "已告知客户可编辑短信“CXXZ#姓名#证件号码”发送至10010查询携转资格",
                ),
                (
                    "反映查询携转资格时提示不符合条件",
                    "已核实号码存在未到期合约，已告知客户合约到期后可再申请",
                ),
            ),
            "port_out": (
                (
                    "要求办理携号转网，反映申请授权码时被告知有合约限制",
                    "已核实客户号码合约未到期，已告知客户解除合约后可申请授权码",
                ),
                (
                    "咨询携号转网后原号码的余额如何处理",
                    "已告知客户携出前需结清欠费，余额可申请退还",
                ),
            ),
            "port_in": (
                (
                    "咨询其他运营商号码携入联通需要准备什么",
                    "已告知客户需先获取授权码，再携带身份证到联通营业厅办理",
                ),
                (
                    "反映携入后{date}起无法接收验证码短信",
                    "已为客户提交网络数据核查工单，{days}个工作日内处理",
                ),
            ),
        },
    ),
    "sim_services": (
        (
            "客户来电{ask}，{reply}。",
            "客户（手机尾号{phone_tail}）{ask}，{reply}。",
            "客户来电{ask}。身份验证通过后，{reply}。",
        ),
        {
            "sim_replacement": (
                (
                    "反映手机卡丢失，咨询如何补卡",
                    "已为客户办理临时挂失，告知客户携带本人身份证到营业厅补卡",
                ),
                ("咨询旧卡能否换成5G卡", "已告知客户可携带身份证到营业厅免费换卡"),
            ),
            "suspend_resume": (
                (
                    "反映手机被停机，已缴费{amount}仍无法使用",
                    "已核实缴费已到账，已为客户手动复机",
                ),
                (
                    "外出务工期间要求办理停机保号",
                    "已为客户办理停机保号，告知客户保号期间按月收取保号费",
                ),
            ),
            "real_name": (
                (
                    "反映号码被提示需要二次实名认证",
                    "已告知客户可通过中国联通App人脸识别完成认证，或携带身份证到营业厅办理",
                ),
                (
                    "咨询名下登记了几个手机号码",
                    "已告知客户可通过工信部“一证通查”服务查询本人名下号码",
                ),
            ),
            "number_cancellation": (
                (
                    "咨询如何办理销号",
                    "已告知客户需本人携带身份证到营业厅办理，办理前需结清话费",
                ),
                (
                    "反映已销号码仍在扣费",
                    "已核实销户流程未完成，已提交处理工单，{days}个工作日内回复",
                ),
            ),
        },
    ),
    "five_g": (
        (
            "客户来电{ask}，{reply}。",
            "客户（手机尾号{phone_tail}）{ask}，{reply}。",
            "客户{ask}。{reply}，客户表示理解。",
        ),
        {
            "five_g_coverage": (
                (
                    "反映{area}没有5G信号",
                    "已记录客户位置并提交网络优化工单，{days}个工作日内回复",
                ),
                (
                    "反映家中5G信号时有时无",
                    "已告知客户室内深处5G信号会有衰减，已提交网络测试工单",
                ),
            ),
            "five_g_plan": (
                (
                    "咨询4G手机能否办理5G套餐",
                    "已告知客户可以办理，但需使用5G手机才能使用5G网络",
                ),
                (
                    "咨询{plan_fee}元5G套餐包含哪些权益",
                    "已向客户介绍套餐包含的流量、通话及会员权益",
                ),
            ),
            "five_g_device": (
                (
                    "反映新买的5G手机只显示4G",
                    "已指导客户在手机设置中开启5G开关，客户操作后已显示5G",
                ),
                (
                    "咨询双卡手机如何设置5G主卡",
                    "已指导客户在手机设置中将联通卡设为默认数据卡",
                ),
            ),
        },
    ),
    "complaint": (
        (
            "客户来电投诉{ask}，要求{demand}。已安抚客户情绪，{reply}。",
            "客户情绪激动，投诉{ask}。已记录客户诉求，{reply}。",
            "客户来电投诉{ask}，已向客户致歉，{reply}，客户要求{days}个工作日内给予答复。",
        ),
        {
            "network_quality": (
                (
                    "家中室内手机信号差，经常打不通电话",
                    "已派发投诉工单至网络部门，安排上门测试",
                ),
                ("{area}通话经常断断续续", "已派发网络投诉工单"),
            ),
            "service_attitude": (
                ("{date}在营业厅办理业务时营业员态度差", "已派发投诉工单核实处理"),
                ("10010客服人员解答问题敷衍", "已派发投诉工单，将调取通话录音核实"),
            ),
            "marketing_harassment": (
                (
                    "频繁接到营销电话推销套餐升级",
                    "已将客户号码加入营销免打扰名单，并派发投诉工单",
                ),
                ("每天收到多条营销短信", "已为客户关闭营销短信，并派发投诉工单"),
            ),
            "installation_delay": (
                (
                    "宽带新装预约{date}上门，装维人员未按约定到场",
                    "已催办并重新预约上门时间",
                ),
                ("宽带申请一周仍未安装", "已派发投诉工单催办装机"),
            ),
            "misleading_sales": (
                (
                    "营业员办理时承诺赠送{pack_gb}GB流量，实际未到账",
                    "已派发投诉工单核实营业员承诺内容",
                ),
                (
                    "办理宽带时未告知需签两年合约",
                    "已派发投诉工单，核实办理时的告知情况",
                ),
            ),
        },
    ),
}
_SUMMARIES: Final[dict[str, dict[str, _Business]]] = {
    "power": _POWER_SUMMARIES,
    "telecom": _TELECOM_SUMMARIES,
}

_TIMES: Final = (
    "早上7点左右", "上午9点左右", "上午10点半左右", "中午12点左右", "下午2点左右",
    "下午4点左右", "傍晚6点左右", "晚上8点左右", "晚上10点左右", "凌晨1点左右",
)  # fmt: skip
_RESTORE_TIMES: Final = (
    "今天中午12点前", "今天下午3点左右", "今天下午5点前", "今天18:00左右", "今晚8点前",
    "今晚10点左右",
)  # fmt: skip
_SINCE: Final = ("半小时前", "一小时前", "今天早些时候", "刚才")
_DEMANDS: Final = ("尽快处理并给予答复", "相关部门给予合理解释", "给予书面答复")
_PLAN_FEES: Final = ("59", "79", "99", "129", "159", "199")
_DATA_PACKS: Final = (("10", "5"), ("20", "10"), ("30", "20"), ("50", "40"))


def _money(value: float) -> str:
    return f"{value:.2f}元"


def _day(value: dt.date) -> str:
    return f"{value.month}月{value.day}日"


def _summary_context(rng: random.Random, day: dt.date | None = None) -> dict[str, str]:
    """Every placeholder any template may use, drawn in a fixed order for determinism.

    Dates are told relative to ``day``, the day of the contact: something the customer did
    lies a few days before it, a planned outage a few days after, and the bill asked about
    is last month's or the one before.
    """
    day = day or dt.datetime.now(tz=dt.UTC).date()
    full_address, district = address(rng)
    district_name = _DISTRICT_NAMES[district]
    short = district_name.removesuffix("区")
    street = rng.choice(_STREETS[district])
    kwh = rng.randint(80, 850)
    billed = day.replace(day=1) - dt.timedelta(days=1 + 31 * rng.choice((0, 0, 0, 1)))
    reading = rng.randint(1200, 25000)
    kw = rng.choice((4, 6, 8, 10))
    plan_fee = rng.choice(_PLAN_FEES)
    pack_fee, pack_gb = rng.choice(_DATA_PACKS)
    return {
        "addr": full_address.removeprefix("江苏省"),
        "area": f"{district_name}{street}一带",
        "account": account_number(rng.randrange(100_000)),
        "kwh": str(kwh),
        # Roughly the first-tier price so amount and consumption agree.
        "amount": _money(kwh * 0.5283 + rng.uniform(-3, 3)),
        "big_amount": _money(rng.uniform(600, 2600)),
        "small_amount": _money(rng.choice((3, 5, 6, 9.9, 10, 15, 19.9, 25, 30))),
        "kwh_year": str(rng.randint(2800, 4700)),
        "month": str(billed.month),
        "date": _day(day - dt.timedelta(days=rng.randint(2, 12))),
        "later": _day(day + dt.timedelta(days=rng.randint(1, 6))),
        "since": rng.choice(_SINCE),
        "time": rng.choice(_TIMES),
        "eta": "45" if district in _URBAN_DISTRICTS else rng.choice(("45", "90")),
        "days": str(rng.randint(2, 5)),
        "hours": str(rng.randint(2, 6)),
        "n_times": str(rng.randint(2, 3)),
        "n_outages": str(rng.randint(3, 6)),
        "hall": f"{short}营业厅",
        "repair_team": f"{short}抢修班",
        "staff": f"{rng.choices(_SURNAME_CHOICES, cum_weights=_SURNAME_CUM)[0]}师傅",
        "agent_no": f"{rng.randint(1001, 1399)}",
        "kw": str(kw),
        "kw2": str(kw * 2),
        "meter": f"{rng.choice(('1330001', '3330001'))}{rng.randrange(10**15):015d}",
        "reading": str(reading),
        "reading2": str(reading - rng.randint(60, 400)),
        "restore_time": rng.choice(_RESTORE_TIMES),
        "settle_day": str(rng.choice((10, 15, 20))),
        "phone_tail": f"{rng.randrange(10**4):04d}",
        "demand": rng.choice(_DEMANDS),
        "plan_fee": plan_fee,
        "data_gb": str(rng.choice((20, 30, 40, 60, 100))),
        "minutes": str(rng.choice((100, 200, 500, 1000))),
        "pack_fee": pack_fee,
        "pack_gb": pack_gb,
        "mbps": rng.choice(("300M", "500M", "1000M")),
        "bb_account": f"025{rng.randrange(10**8):08d}",
        "dept_repair": _DEPARTMENT_NAMES["repair"],
        "dept_marketing": _DEPARTMENT_NAMES["marketing"],
        "dept_billing": _DEPARTMENT_NAMES["billing"],
        "dept_service": _DEPARTMENT_NAMES["service"],
        "dept_operation": _DEPARTMENT_NAMES["operation"],
    }


# A note mentions a work order when it says one was opened, dispatched or chased: such a
# contact was not settled on the spot, and every other contact was.
ORDER_WORDS: Final = re.compile(r"工单|派单|派发|派至|转至|转交|转派|催办|登记|受理|上报|转相关")


class Note(NamedTuple):
    summary: str
    #: The work order's title when the contact opens one: what the customer asks, whole.
    title: str


def _mentions_order(text: str) -> bool:
    return ORDER_WORDS.search(text) is not None


def note_contents(taxonomy: str, *, order: bool) -> list[tuple[str, str]]:
    """The (business type, service content) pairs whose notes can say, as ``order`` asks,
    that a work order was opened (True) or that the contact was settled on the spot (False).
    """
    found = []
    for business, (templates, contents) in _SUMMARIES[taxonomy].items():
        for code, pairs in contents.items():
            if any(
                _mentions_order(template + ask + reply) == order
                for template in templates
                for ask, reply in pairs
            ):
                found.append((business, code))
    return found


def contact_note(
    rng: random.Random,
    business_code: str,
    content_code: str,
    taxonomy: str = "power",
    *,
    order: bool | None = None,
    day: dt.date | None = None,
) -> Note:
    """An agent's note on a contact on ``day``, and the title of the order it may open.

    With ``order`` given, the note says a work order was opened (True) or says nothing of
    one (False); `note_contents` lists the contents that allow it.
    """
    try:
        templates, contents = _SUMMARIES[taxonomy][business_code]
    except KeyError:
        raise ValueError(f"Unknown {taxonomy!r} business type: {business_code!r}") from None
    if content_code not in contents:
        raise ValueError(f"{content_code!r} is not a content of {business_code!r}")
    combinations = [
        (template, ask, reply)
        for template in templates
        for ask, reply in contents[content_code]
        if order is None or _mentions_order(template + ask + reply) == order
    ]
    if not combinations:
        raise ValueError(f"{content_code!r} has no note that {'opens' if order else 'settles'}")
    template, ask, reply = rng.choice(combinations)
    context = _summary_context(rng, day)
    asked = ask.format(**context)
    if len(asked) > TITLE_MAX:  # a long address: its district, road and number say where
        context = {**context, "addr": _short_address(context["addr"])}
        asked = ask.format(**context)
    summary = template.format(ask=asked, reply=reply.format(**context), **context)
    return Note(summary, asked)


#: A work order's title is at most this long: what the customer asked, whole.
TITLE_MAX = 40


def _short_address(full: str) -> str:
    """南京市江宁区诚信大道254号21世纪太阳城26栋… → 江宁区诚信大道254号."""
    within_city = full.split("市", 1)[-1]
    road = re.match(r".*?号", within_city)
    return road.group(0) if road else within_city[:12]


def contact_summary(
    rng: random.Random, business_code: str, content_code: str, taxonomy: str = "power"
) -> str:
    """An agent's one-to-three sentence note on a contact, e.g. "客户来电反映…，已…。".

    ``taxonomy`` is "power" or "telecom"; the content must belong to the business type.
    """
    return contact_note(rng, business_code, content_code, taxonomy).summary
