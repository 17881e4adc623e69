"""The texts of validation and rule messages, in zh-CN and en: pure data, one entry per code.

A message names the field in the user's language (`{field}`) and says what is wrong; other
`{names}` come from the problem's params.
"""

from __future__ import annotations

from revisit_tui.domain.models import Language

ZH = Language.ZH_CN
EN = Language.EN

FIELD_LABELS: dict[str, dict[Language, str]] = {
    "mobile": {ZH: "手机号码", EN: "mobile number"},
    "landline": {ZH: "固定电话", EN: "landline number"},
    "phone": {ZH: "电话号码", EN: "phone number"},
    "email": {ZH: "电子邮箱", EN: "e-mail address"},
    "address": {ZH: "居住地址", EN: "residential address"},
    "identity_number": {ZH: "身份证号码", EN: "resident ID number"},
    "identity_expiry": {ZH: "证件有效期", EN: "ID expiry date"},
    "callback_at": {ZH: "回拨时间", EN: "callback time"},
    "date": {ZH: "日期", EN: "date"},
    "sms": {ZH: "短信", EN: "SMS"},
    "timezone": {ZH: "时区", EN: "time zone"},
    "closure_reason": {ZH: "销户原因", EN: "closure reason"},
    "reserved_info_answer": {
        ZH: "预留信息变更是否本人办理",
        EN: "answer whether the customer changed their reserved information",
    },
    "event": {ZH: "所涉特殊事件", EN: "special event named"},
}

MESSAGES: dict[str, dict[Language, str]] = {
    "closure_reason_not_closure": {
        ZH: "只有销户回访记录{field}。",
        EN: "Only a closure revisit records a {field}.",
    },
    "reserved_info_answer_elsewhere": {
        ZH: "只有预留信息变更的特殊情况回访记录{field}。",
        EN: "Only a revisit of a change of reserved information records an {field}.",
    },
    "escalation_event_not_the_tasks": {
        ZH: "{field}须为本任务的特殊事件。",
        EN: "The {field} must be this task's own special event.",
    },
    "required": {ZH: "{field}不能为空。", EN: "{field} is required."},
    "too_long": {
        ZH: "{field}过长：最多 {max} 个字符。",
        EN: "{field} is too long: at most {max} characters.",
    },
    "phone_unparsable": {
        ZH: "{field}无法识别：请输入数字，境外号码以 + 和国家代码开头。",
        EN: "{field} cannot be read: use digits, and + with the country code for abroad.",
    },
    "phone_invalid": {
        ZH: "{field}不是有效号码（位数或号段不对）。",
        EN: "{field} is not a valid number (wrong length or prefix).",
    },
    "phone_not_mobile": {
        ZH: "{field}不是手机号码。",
        EN: "{field} is not a mobile number.",
    },
    "phone_not_landline": {
        ZH: "{field}不是固定电话号码（请加区号，如 010-、021-、0755-）。",
        EN: "{field} is not a landline number (include the area code, e.g. 010-).",
    },
    "phone_not_e164": {
        ZH: "{field}应为 E.164 格式（如 +8613800138000），可写作 {expected}。",
        EN: "{field} must be in E.164 form (e.g. +8613800138000): {expected}.",
    },
    "email_invalid": {
        ZH: "{field}格式不正确，应为 名称@域名，如 zhang@example.com。",
        EN: "{field} is not valid: expected name@domain, e.g. zhang@example.com.",
    },
    "id_length": {
        ZH: "{field}应为 18 位，当前为 {length} 位。",
        EN: "{field} must have 18 characters, not {length}.",
    },
    "id_format": {
        ZH: "{field}格式不正确：前 17 位为数字，最后一位为数字或 X。",
        EN: "{field} is not valid: 17 digits followed by a digit or X.",
    },
    "id_region": {
        ZH: "{field}的地区码 {region} 不存在。",
        EN: "{field} has an unknown region code {region}.",
    },
    "id_birth_date": {
        ZH: "{field}中的出生日期 {birth} 不是有效日期。",
        EN: "{field} contains an invalid birth date {birth}.",
    },
    "id_future_birth": {
        ZH: "{field}中的出生日期 {birth} 晚于今天。",
        EN: "{field} contains a birth date {birth} after today.",
    },
    "id_check_digit": {
        ZH: "{field}校验位不符：最后一位应为 {expected}，请核对号码。",
        EN: "{field} has a wrong check digit: the last character should be {expected}.",
    },
    "date_invalid": {
        ZH: "{field}不是有效日期：请用 2027-03-31 或 20270331 的格式。",
        EN: "{field} is not a valid date: use 2027-03-31 or 20270331.",
    },
    "date_past": {
        ZH: "{field}已过期（{value} 早于今天）。",
        EN: "{field} is in the past ({value} is before today).",
    },
    "timezone_unknown": {
        ZH: "{field}未知：{value}（应为 IANA 名称，如 Asia/Shanghai）。",
        EN: "{field} is unknown: {value} (expected an IANA name such as Asia/Shanghai).",
    },
    "callback_in_past": {
        ZH: "{field}已过去，请选择以后的时间。",
        EN: "{field} is in the past: choose a later time.",
    },
    "callback_outside_window": {
        ZH: "{field}不在客户可接听时段内（客户当地时间 {start}–{end}，{timezone}）。",
        EN: "{field} is outside the customer's callable hours ({start}–{end} {timezone}, "
        "the customer's time).",
    },
    "callback_weekend": {
        ZH: "{field}落在客户当地的周末，周末不外呼。",
        EN: "{field} falls on the customer's weekend, when no calls are made.",
    },
    "callback_holiday": {
        ZH: "{field}落在公众假期，假期不外呼。",
        EN: "{field} falls on a public holiday, when no calls are made.",
    },
    "callback_beyond_horizon": {
        ZH: "{field}太远：最多可预约 {days} 天内。",
        EN: "{field} is too far ahead: at most {days} days.",
    },
    "callback_do_not_call": {
        ZH: "客户已要求不再来电，不能预约{field}。",
        EN: "The customer asked not to be called: no {field} can be set.",
    },
    "quiet_hours": {
        ZH: "现在是客户的休息时间，{field}最早可于 {next_allowed_at} 发送。",
        EN: "It is the customer's rest time: the {field} can be sent from {next_allowed_at}.",
    },
    "frequency_cap": {
        ZH: "已达到该客户的{field}发送上限，最早可于 {next_allowed_at} 再发送。",
        EN: "The customer's {field} limit is reached: next possible at {next_allowed_at}.",
    },
    "do_not_call": {
        ZH: "客户已要求不再联系，不能发送{field}。",
        EN: "The customer asked not to be contacted: no {field} can be sent.",
    },
    "sms_opt_out": {
        ZH: "客户已退订{field}。",
        EN: "The customer opted out of {field}.",
    },
    "no_mobile": {
        ZH: "客户没有手机号码，无法发送{field}。",
        EN: "The customer has no mobile number: no {field} can be sent.",
    },
}
