"""Deterministic, realistic demo data: customers, accounts, flagged transactions, tasks, agents.

`generate(seed, customers=300, now=...)` always gives the same data for the same arguments, so
the demo, tests and benchmarks can share it. Names and addresses are Chinese (a few customers
live abroad or speak English), phone numbers pass libphonenumber, resident ID numbers carry a
valid GB 11643 check digit and business licences a valid GB 32100 credit code.

The data follows the rules it demonstrates: its tasks are the revisits the domain rules find
due (with their keys, so `revisit queue build` on the loaded demo finds them all made), and
those it preloads for agents are placed by the assignment planner, within each agent's
branch, languages, skills and capacity.
"""

from __future__ import annotations

import random
import string
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import phonenumbers

from revisit_tui.domain.models import (
    Account,
    AccountEvent,
    AccountRecord,
    AccountStatus,
    AccountType,
    Agent,
    Channel,
    ContactCheck,
    ContactCheckResult,
    ContactField,
    Customer,
    CustomerType,
    Disposition,
    DocumentKind,
    EscalationCategory,
    EscalationRequest,
    Event,
    EventRecord,
    Feature,
    FeatureUse,
    IdentityDocument,
    ImportBatch,
    Language,
    Outcome,
    RiskLevel,
    Role,
    TaskCreate,
    TaskKind,
    Transaction,
    TransactionAnswer,
    TransactionChannel,
    TransactionCheck,
    TransactionFlag,
    Urgency,
)
from revisit_tui.domain.policy import RevisitPolicy
from revisit_tui.domain.rules import due_revisits
from revisit_tui.supervisor.planning import plan_assignments


def _words(text: str) -> list[str]:
    """A word list written as one space-separated string (easier to read and edit)."""
    return text.split()


DEMO_AGENT_ID = "demo"
SUPERVISOR_ID = "supervisor"

# surname / given-name characters with their pinyin (for e-mail addresses)
SURNAMES = _words(
    "王wang 李li 张zhang 刘liu 陈chen 杨yang 黄huang 赵zhao 吴wu 周zhou 徐xu "
    "孙sun 马ma 朱zhu 胡hu 郭guo 何he 高gao 林lin 罗luo 郑zheng 梁liang 谢xie "
    "宋song 唐tang 许xu 韩han 冯feng 邓deng 曹cao 彭peng 曾zeng 肖xiao "
    "田tian 董dong 袁yuan 潘pan 蒋jiang 蔡cai 余yu 杜du 叶ye 程cheng 苏su "
    "魏wei 吕lv 丁ding 沈shen 姚yao 卢lu 姜jiang 崔cui 钟zhong 谭tan 陆lu "
    "范fan 金jin 石shi 廖liao 贾jia 夏xia 方fang 白bai 邹zou 孟meng 熊xiong "
    "秦qin 江jiang"
)
GIVEN = _words(
    "伟wei 芳fang 娜na 敏min 静jing 丽li 强qiang 磊lei 军jun 洋yang 勇yong "
    "艳yan 杰jie 娟juan 涛tao 明ming 超chao 秀xiu 霞xia 平ping 刚gang 桂gui "
    "英ying 华hua 玉yu 建jian 文wen 晓xiao 红hong 海hai 志zhi 雪xue 婷ting "
    "宇yu 浩hao 欣xin 佳jia 思si 梦meng 子zi 涵han 雨yu 晨chen 博bo 辉hui "
    "琳lin 颖ying 鹏peng 飞fei 鑫xin 露lu 倩qian 瑶yao 萍ping 斌bin"
)
ENGLISH_FIRST = _words("James Emily Oliver Sophie Daniel Charlotte Michael Hannah David Grace")
ENGLISH_LAST = _words("Smith Brown Taylor Wilson Evans Walker Wright Green Hall Clarke")

# province, city, district, resident-ID area code, landline area code, time zone, branch
REGIONS = (
    ("北京市", "北京市", "东城区", "110101", "10", "Asia/Shanghai", "BJ01"),
    ("北京市", "北京市", "海淀区", "110108", "10", "Asia/Shanghai", "BJ02"),
    ("上海市", "上海市", "徐汇区", "310104", "21", "Asia/Shanghai", "SH01"),
    ("上海市", "上海市", "浦东新区", "310115", "21", "Asia/Shanghai", "SH02"),
    ("广东省", "广州市", "天河区", "440106", "20", "Asia/Shanghai", "GZ01"),
    ("广东省", "深圳市", "南山区", "440305", "755", "Asia/Shanghai", "SZ01"),
    ("浙江省", "杭州市", "西湖区", "330106", "571", "Asia/Shanghai", "HZ01"),
    ("四川省", "成都市", "武侯区", "510107", "28", "Asia/Shanghai", "CD01"),
    ("江苏省", "南京市", "鼓楼区", "320106", "25", "Asia/Shanghai", "NJ01"),
    ("湖北省", "武汉市", "武昌区", "420106", "27", "Asia/Shanghai", "WH01"),
    ("新疆维吾尔自治区", "乌鲁木齐市", "天山区", "650102", "991", "Asia/Urumqi", "UR01"),
)
SEVEN_DIGIT_TRUNKS = {"991"}  # local landline numbers are 8 digits elsewhere in the list
STREETS = _words("中山路 人民路 解放路 建设路 长江路 和平街 文化路 新华路 光明街 学院路 滨江大道")
COMPOUNDS = _words("阳光花园 翠湖苑 锦绣家园 金色港湾 书香名邸 和谐小区 天悦府 枫林湾")
COMPANY_WORDS = _words("恒瑞 鑫达 华晨 远航 博通 瑞丰 德润 中联 新科 嘉禾 东方 盛世")
INDUSTRIES = _words("科技 贸易 建材 物流 餐饮管理 信息技术 医药 电子 文化传媒 环保工程")
# abroad: (time zone, phone region, address template)
ABROAD = (
    ("Europe/London", "GB", "{n} Kensington Park Road, London W11 {d}LA, United Kingdom"),
    ("America/Los_Angeles", "US", "{n} Wilshire Blvd Apt {d}0{d}, Los Angeles, CA 90057, USA"),
)
ABROAD_ZONES = {zone for zone, _, _ in ABROAD}
MOBILE_PREFIXES = _words("133 135 136 137 138 139 150 151 152 158 159 177 186 187 188 189 199")
COUNTERPARTIES = _words(
    "某某网络科技有限公司 个人转账 海外汇款 网络游戏充值 第三方支付 跨境电商平台"
)
DEPARTMENTS = ("个人金融部", "电子银行部", "运营管理部", "风险管理部", "公司金融部")

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"
CREDIT_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


@dataclass(frozen=True)
class DemoData:
    """Everything the demo loads: agents, master data, tasks and a few past attempts.

    `history` holds outcomes of earlier attempts whose `task_id` is still the task's `key`
    (the server gives the ids); loading maps each key to the real id before posting. The
    tasks' keys name the account by number where the server's build names it by account id
    (only the server can make those): loading asks for the ids and puts them in.
    """

    agents: list[Agent]
    batch: ImportBatch
    tasks: list[TaskCreate]
    history: list[Outcome]


def accounts_by_number(accounts: list[Account]) -> list[AccountRecord]:
    """The accounts with their number standing in for the account id, so the rules (which key
    on ids) run on the demo's own data before the server names the ids."""
    return [AccountRecord.model_construct(**a.__dict__, id=a.number) for a in accounts]


def events_by_number(events: list[Event]) -> list[EventRecord]:
    """The events likewise (see `accounts_by_number`)."""
    return [EventRecord.model_construct(**e.__dict__, account_id=e.account_number) for e in events]


def demo_agents() -> list[Agent]:
    """The demo agent, a supervisor and five more agents (one off shift). Between them the
    agents on shift have room for every task the demo makes and serve every customer: all but
    one serve every branch (one only Shanghai's SH01), two besides the demo agent speak
    English, one handles corporate customers only and two personal customers only."""
    return [
        Agent(
            id=DEMO_AGENT_ID,
            name="李晓雯",
            languages=[Language.ZH_CN, Language.EN],
            capacity=60,
        ),
        Agent(id=SUPERVISOR_ID, name="陈国栋", role=Role.SUPERVISOR, branch="SH01"),
        Agent(id="agent-wang", name="王海燕", skills=[CustomerType.PERSONAL], capacity=250),
        Agent(
            id="agent-zhao",
            name="赵文博",
            languages=[Language.ZH_CN, Language.EN],
            skills=[CustomerType.PERSONAL],
            capacity=150,
        ),
        Agent(
            id="agent-zhou",
            name="周子涵",
            languages=[Language.ZH_CN, Language.EN],
            skills=[CustomerType.CORPORATE],
            capacity=120,
        ),
        Agent(id="agent-lin", name="林静", capacity=60, branch="SH01"),
        Agent(id="agent-he", name="何建军", capacity=80, branch="CD01", on_shift=False),
    ]


def resident_id_check_digit(first17: str) -> str:
    """The GB 11643 check character of the first 17 digits of a resident ID number."""
    total = sum(int(digit) * weight for digit, weight in zip(first17, ID_WEIGHTS, strict=True))
    return ID_CHECK[total % 11]


def credit_code_check_char(first17: str) -> str:
    """The GB 32100 check character of a unified social credit code's first 17 characters."""
    total = sum(
        CREDIT_CHARS.index(char) * weight
        for char, weight in zip(first17, CREDIT_WEIGHTS, strict=True)
    )
    return CREDIT_CHARS[(31 - total % 31) % 31]


def generate(
    seed: int = 2024,
    customers: int = 300,
    now: datetime | None = None,
    policy: RevisitPolicy | None = None,
    timezone: str = "Asia/Shanghai",
) -> DemoData:
    """Generate the demo data set; the same arguments always give the same data.

    `timezone` is the centre's ([supervisor] timezone): its day is the rules' today, as it is
    for `revisit queue build`. The demo agent's most urgent tasks go to customers whose own
    clock is inside the callable window at `now`, so the demo always has someone to call.
    """
    now = (now or datetime.now(UTC)).astimezone(UTC)
    today = now.astimezone(ZoneInfo(timezone)).date()
    return _Generator(seed, now, today, policy or RevisitPolicy()).build(max(customers, 30))


class _Generator:
    """The generator's state: one seeded random source and what has been made so far."""

    def __init__(self, seed: int, now: datetime, today: date, policy: RevisitPolicy) -> None:
        self.rng = random.Random(seed)
        self.now = now
        self.today = today
        self.policy = policy
        self.calls = policy.calls
        self.customers: list[Customer] = []
        self.accounts: list[Account] = []
        self.transactions: list[Transaction] = []
        self.events: list[Event] = []
        self.tasks: list[TaskCreate] = []
        self.history: list[Outcome] = []
        self.used_numbers: set[str] = set()

    # --- top level ------------------------------------------------------------------------

    def build(self, count: int) -> DemoData:
        agents = demo_agents()
        for index in range(count):
            self._customer(index)
        statuses = list(AccountStatus)
        for index, customer in enumerate(self.customers):
            for extra in range(1 + (index % 4 == 0)):
                status = statuses[(index + extra) % len(statuses)] if index % 3 == 0 else None
                self._account(customer, status or AccountStatus.ACTIVE)
        customers = {customer.id: customer for customer in self.customers}
        for account in self.accounts:
            self._transactions(account, customers[account.customer_id])
        self._account_events()
        self._history(self._tasks([agent for agent in agents if agent.role is Role.AGENT]))
        batch = ImportBatch(
            customers=self.customers,
            accounts=self.accounts,
            transactions=self.transactions,
            events=self.events,
        )
        return DemoData(agents=agents, batch=batch, tasks=self.tasks, history=self.history)

    # --- customers ------------------------------------------------------------------------

    def _customer(self, index: int) -> None:
        rng = self.rng
        abroad = index % 17 == 5
        english = index % 23 == 7
        corporate = not abroad and not english and index % 5 == 4
        region = REGIONS[rng.randrange(len(REGIONS))]
        province, city, district, area, trunk, zone, branch = region
        cid = f"C{index + 1:05d}"
        if corporate:
            name = f"{city[:-1]}{rng.choice(COMPANY_WORDS)}{rng.choice(INDUSTRIES)}有限公司"
            identity = IdentityDocument(
                kind=DocumentKind.BUSINESS_LICENCE, number=self._credit_code(area)
            )
            email = f"finance{index + 1}@{rng.choice(['example.com', 'example.cn'])}"
        elif english:
            first, last = rng.choice(ENGLISH_FIRST), rng.choice(ENGLISH_LAST)
            name = f"{first} {last}"
            passport = "".join(rng.choices(string.digits, k=9))
            identity = IdentityDocument(
                kind=DocumentKind.PASSPORT,
                number=passport,
                expires_on=self.today + timedelta(days=rng.randint(200, 3000)),
            )
            email = f"{first.lower()}.{last.lower()}{index}@example.com"
        else:
            surname, s_py = _split(rng.choice(SURNAMES))
            given = [_split(rng.choice(GIVEN)) for _ in range(rng.choice((1, 2, 2)))]
            name = surname + "".join(char for char, _ in given)
            identity = self._resident_id(area)
            pinyin = "".join(py for _, py in given)
            email = (
                f"{pinyin}.{s_py}{rng.randint(1, 99)}@{rng.choice(['example.com', 'example.cn'])}"
            )
        mobile = self._mobile()
        landline = self._landline(trunk) if corporate or rng.random() < 0.3 else None
        address = self._address(province, city, district)
        language = Language.EN if english else Language.ZH_CN
        if abroad:
            zone, region_code, template = ABROAD[index % len(ABROAD)]
            mobile = self._foreign_mobile(region_code)
            landline = None
            address = template.format(n=rng.randint(10, 400), d=rng.randint(1, 9))
            language = Language.EN if english or index % 2 else Language.ZH_CN
        self.customers.append(
            Customer(
                id=cid,
                type=CustomerType.CORPORATE if corporate else CustomerType.PERSONAL,
                name=name,
                mobile=mobile,
                email=email if rng.random() < 0.8 else None,
                landline=landline,
                address=address,
                identity=identity,
                risk=RiskLevel.HIGH if index % 13 == 3 else rng.choice(_RISK_WEIGHTS),
                timezone=zone,
                language=language,
                do_not_call=index % 41 == 40,
                sms_opt_out=index % 19 == 18,
                branch=branch,
            )
        )

    def _resident_id(self, area: str) -> IdentityDocument:
        rng = self.rng
        born = date(1950, 1, 1) + timedelta(days=rng.randint(0, 365 * 55))
        first17 = f"{area}{born:%Y%m%d}{rng.randint(1, 999):03d}"
        age = self.today.year - born.year
        validity_years = 10 if age < 26 else 20  # from 46 on, a renewed card is long-term
        expires = None
        if age < 46 or rng.random() < 0.3:
            expires = self.today + timedelta(days=rng.randint(30, validity_years * 365))
        if rng.random() < 0.08:  # some documents are about to expire or already expired
            expires = self.today + timedelta(days=rng.randint(-60, 30))
        number = first17 + resident_id_check_digit(first17)
        return IdentityDocument(kind=DocumentKind.RESIDENT_ID, number=number, expires_on=expires)

    def _credit_code(self, area: str) -> str:
        org8 = "".join(self.rng.choices(string.digits + "ABCDEFGHJKLMNPQRTUWXY", k=8))
        total = sum(
            _org_value(char) * weight for char, weight in zip(org8, ORG_WEIGHTS, strict=True)
        )
        org_check = (11 - total % 11) % 11
        org = org8 + ("X" if org_check == 10 else str(org_check))
        first17 = f"91{area}{org}"
        return first17 + credit_code_check_char(first17)

    def _address(self, province: str, city: str, district: str) -> str:
        rng = self.rng
        place = f"{rng.choice(STREETS)}{rng.randint(1, 888)}号{rng.choice(COMPOUNDS)}"
        floor, flat = rng.randint(1, 33), rng.randint(1, 4)
        room = f"{rng.randint(1, 30)}栋{rng.randint(1, 4)}单元{floor}0{flat}室"
        prefix = province if province == city else province + city
        return f"{prefix}{district}{place}{room}"

    def _mobile(self) -> str:
        while True:
            national = self.rng.choice(MOBILE_PREFIXES) + "".join(
                self.rng.choices(string.digits, k=8)
            )
            number = self._valid("+86" + national)
            if number:
                return number

    def _landline(self, trunk: str) -> str:
        while True:
            digits = 7 if trunk in SEVEN_DIGIT_TRUNKS else 8
            local = str(self.rng.randint(2, 8)) + "".join(
                self.rng.choices(string.digits, k=digits - 1)
            )
            number = self._valid(f"+86{trunk}{local}")
            if number:
                return number

    def _foreign_mobile(self, region_code: str) -> str:
        while True:
            if region_code == "GB":
                candidate = (
                    "+447" + self.rng.choice("4589") + "".join(self.rng.choices(string.digits, k=8))
                )
            else:
                exchange = (
                    f"{self.rng.randint(2, 9)}{self.rng.randint(0, 9)}{self.rng.randint(2, 9)}"
                )
                line = "".join(self.rng.choices(string.digits, k=4))
                candidate = f"+1{self.rng.choice(['213', '310', '323'])}{exchange}{line}"
            number = self._valid(candidate)
            if number:
                return number

    def _valid(self, candidate: str) -> str | None:
        parsed = phonenumbers.parse(candidate)
        if not phonenumbers.is_valid_number(parsed) or candidate in self.used_numbers:
            return None
        self.used_numbers.add(candidate)
        return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)

    # --- accounts and transactions --------------------------------------------------------

    def _account(self, customer: Customer, status: AccountStatus) -> None:
        rng = self.rng
        corporate = customer.type is CustomerType.CORPORATE
        if corporate:
            kind = (
                AccountType.CORPORATE_BASIC if rng.random() < 0.6 else AccountType.CORPORATE_GENERAL
            )
            number = "3" + "".join(rng.choices(string.digits, k=16))
        else:
            kind = (
                AccountType.PERSONAL_SAVINGS if rng.random() < 0.7 else AccountType.PERSONAL_CURRENT
            )
            number = "62220" + "".join(rng.choices(string.digits, k=14))
        recent = rng.random() < 0.15
        opened = self.today - timedelta(days=rng.randint(1, 9) if recent else rng.randint(60, 3000))
        self.accounts.append(
            Account(
                number=number,
                customer_id=customer.id,
                type=kind,
                opened_on=opened,
                status=status,
                branch=customer.branch,
            )
        )

    def _transactions(self, account: Account, customer: Customer) -> None:
        rng = self.rng
        index = len(self.transactions)
        for n in range(rng.randint(1, 3)):
            self._transaction(
                account,
                f"T{index + n + 1:07d}",
                self.now - timedelta(days=rng.randint(1, 40), minutes=rng.randint(0, 1439)),
                Decimal(rng.randint(50, 20000)) + Decimal(rng.randint(0, 99)) / 100,
                rng.choice(list(TransactionChannel)),
            )
        abroad = customer.timezone in ABROAD_ZONES  # cards used abroad draw the fraud checks
        flagged = account.status is AccountStatus.ABNORMAL or abroad or rng.random() < 0.06
        if not flagged:
            return
        if rng.random() < 0.5:
            at = self.now - timedelta(days=rng.randint(1, 6), hours=rng.randint(0, 5))
            at = at.replace(hour=rng.randint(1, 4))  # small hours: part of what is abnormal
            self._transaction(
                account,
                f"T{len(self.transactions) + 1:07d}",
                at,
                Decimal(rng.randint(50, 500) * 1000),
                TransactionChannel.TRANSFER,
                flag=TransactionFlag.LARGE_ABNORMAL,
                reason="大额转账，与历史交易习惯不符",
            )
            self._event(account, AccountEvent.LARGE_ABNORMAL_TRANSACTION, at, "大额异常交易")
        else:
            start = self.now - timedelta(days=rng.randint(1, 5), hours=rng.randint(1, 10))
            for n in range(rng.randint(4, 7)):
                self._transaction(
                    account,
                    f"T{len(self.transactions) + 1:07d}",
                    start + timedelta(minutes=7 * n),
                    Decimal(rng.choice((49, 99, 199, 200, 299))) + Decimal("0.00"),
                    TransactionChannel.MOBILE_BANKING,
                    flag=TransactionFlag.MANY_SMALL,
                    reason="短时间内多笔小额支付",
                )
            detail = "短时间内多笔小额支付，与历史交易习惯不符"
            self._event(account, AccountEvent.LARGE_ABNORMAL_TRANSACTION, start, detail)

    def _transaction(
        self,
        account: Account,
        tid: str,
        at: datetime,
        amount: Decimal,
        channel: TransactionChannel,
        flag: TransactionFlag | None = None,
        reason: str = "",
    ) -> None:
        self.transactions.append(
            Transaction(
                id=tid,
                account_number=account.number,
                at=at,
                amount=amount,
                channel=channel,
                counterparty=self.rng.choice(COUNTERPARTIES),
                flag=flag,
                flag_reason=reason,
            )
        )

    def _event(self, account: Account, kind: AccountEvent, at: datetime, detail: str) -> Event:
        event = Event(
            id=f"E{len(self.events) + 1:06d}",
            account_number=account.number,
            kind=kind,
            at=at,
            detail=detail,
        )
        self.events.append(event)
        return event

    # --- events the bank's systems report ------------------------------------------------

    def _account_events(self) -> None:
        """Closure requests, reserved-information changes and complaints (flagged transactions
        have their events already): the special events the rules make revisits of."""
        flagged = {tx.account_number for tx in self.transactions if tx.flag}
        for index, account in enumerate(self.accounts):
            if account.number in flagged:
                continue
            if account.status is AccountStatus.CLOSING:
                at = datetime.combine(self.today - timedelta(days=1), time(10), UTC)
                self._event(account, AccountEvent.CLOSURE, at, "客户申请销户")
            elif (self.today - account.opened_on).days < 14:
                continue
            elif index % 29 == 3:
                at = self.now - timedelta(days=2)
                self._event(account, AccountEvent.RESERVED_INFO_CHANGED, at, "预留手机号变更")
            elif index % 31 == 5:
                at = self.now - timedelta(days=3)
                self._event(account, AccountEvent.COMPLAINT, at, "客户投诉手续费")

    # --- tasks ----------------------------------------------------------------------------

    def _tasks(self, agents: list[Agent]) -> list[TaskCreate]:
        """The revisits the rules find due today, each preloaded for an agent it suits (or
        left in the pool); answers the two periodic tasks the past attempts were made on."""
        customers = {customer.id: customer for customer in self.customers}
        due = [
            task.model_copy(update={"account_number": task.account_id, "account_id": None})
            for task in due_revisits(
                accounts_by_number(self.accounts),
                customers,
                events_by_number(self.events),
                {},
                self.today,
                self.policy,
            )
        ]
        flagged = {tx.account_number for tx in self.transactions if tx.flag}
        past = self._past_tasks(due, customers, flagged)
        first_calls = [
            task
            for task in due
            if task.kind is TaskKind.SPECIAL_EVENT
            and task.account_number in flagged
            and self._callable_now(customers[task.customer_id])
        ][:4]
        demo_customers = {task.customer_id for task in [*first_calls, *past]}
        eventful = {task.customer_id for task in due if task.kind is TaskKind.SPECIAL_EVENT}
        fixed = {task.key for task in [*first_calls, *past]}
        for_demo, for_others, for_pool = [], [], []
        for task in due:
            customer = customers[task.customer_id]
            index = int(customer.id[1:]) - 1
            if task.key in fixed:
                continue
            if task.kind is TaskKind.SPECIAL_EVENT and task.account_number not in flagged:
                for_others.append(task)  # information changes and complaints
            elif customer.id in demo_customers or customer.timezone in ABROAD_ZONES:
                for_demo.append(task)  # the bilingual demo agent has the customers abroad
            elif index % 10 == 9:
                for_pool.append(task)  # for `revisit assign` to place
            elif customer.id in eventful:
                for_others.append(task)  # the demo agent's special events are the first calls
            elif index % 4 == 0 or (self._callable_now(customer) and index % 3 == 0):
                for_demo.append(task)
            else:
                for_others.append(task)
        demo = [agent for agent in agents if agent.id == DEMO_AGENT_ID]
        others = [agent for agent in agents if agent.id != DEMO_AGENT_ID]
        # room for the follow-up that loading (a resolved escalation) gives the demo agent
        load = {DEMO_AGENT_ID: 1}
        placed: dict[str, str] = {}
        left = self._place([*first_calls, *past], demo, customers, load, placed)
        left += self._place(for_demo, demo, customers, load, placed)
        self._place([*left, *for_others], others, customers, load, placed)
        for index, task in enumerate(due):
            not_before = None
            if index % 11 == 6 and task.key not in fixed:
                not_before = self.now + timedelta(hours=self.rng.randint(2, 30))  # not yet
            self.tasks.append(
                task.model_copy(
                    update={"assigned_agent": placed.get(task.key), "not_before": not_before}
                )
            )
        return past

    def _place(
        self,
        tasks: list[TaskCreate],
        agents: list[Agent],
        customers: dict[str, Customer],
        load: dict[str, int],
        placed: dict[str, str],
    ) -> list[TaskCreate]:
        """Place `tasks` on `agents` as `revisit assign` would, on top of `load`; answers the
        tasks none of them can take."""
        plan = plan_assignments(tasks, agents, customers, load)
        load.update(plan.load)
        placed.update((task.key, agent_id) for task, agent_id in plan.placed)
        return [unplaced.task for unplaced in plan.unplaced]

    def _past_tasks(
        self, due: list[TaskCreate], customers: dict[str, Customer], flagged: set[str]
    ) -> list[TaskCreate]:
        """Up to two periodic revisits of personal customers' active accounts that are callable
        now: loading posts the past attempts by taking the task, as the app does, and the
        server lets no one take a task outside the customer's callable window."""
        status = {account.number: account.status for account in self.accounts}
        candidates = [
            task
            for task in due
            if task.kind is TaskKind.PERIODIC
            and customers[task.customer_id].type is CustomerType.PERSONAL
            and status[task.account_number or ""] is AccountStatus.ACTIVE
            and self._callable_now(customers[task.customer_id])
        ]
        return candidates[:2]

    def _callable_now(self, customer: Customer) -> bool:
        local = self.now.astimezone(ZoneInfo(customer.timezone)).time()
        start, end = self.calls.callable_start, self.calls.callable_end
        margin = (datetime.combine(self.today, end) - timedelta(hours=1)).time()
        if start <= end:
            return start <= local < margin
        return local >= start or local < margin

    # --- past attempts with escalations ---------------------------------------------------

    def _history(self, past: list[TaskCreate]) -> None:
        """Two reached calls by the demo agent, two days ago, that opened escalations."""
        by_account: dict[str, list[Transaction]] = {}
        for tx in self.transactions:
            by_account.setdefault(tx.account_number, []).append(tx)
        started = self.now - timedelta(days=2, hours=3)
        for n, task in enumerate(past):
            tx = by_account[task.account_number or ""][0]
            self.history.append(self._past_outcome(task.key, n, started, tx))

    def _past_outcome(self, key: str, n: int, started: datetime, tx: Transaction) -> Outcome:
        escalation = EscalationRequest(
            id=uuid.UUID(int=self.rng.getrandbits(128), version=4),
            category=(EscalationCategory.SERVICE, EscalationCategory.PRODUCT)[n],
            department=DEPARTMENTS[n],
            urgency=(Urgency.HIGH, Urgency.NORMAL)[n],
            summary=(
                "客户反映手机银行转账时偶尔卡顿，请电子银行部排查",
                "客户对账户管理费收费标准有疑问，需说明收费依据",
            )[n],
        )
        return Outcome(
            id=uuid.UUID(int=self.rng.getrandbits(128), version=4),
            task_id=key,
            agent_id=DEMO_AGENT_ID,
            channel=Channel.PHONE,
            started_at=started + timedelta(minutes=30 * n),
            ended_at=started + timedelta(minutes=30 * n + 6),
            disposition=Disposition.REACHED,
            contact_checks=[
                ContactCheck(field=ContactField.MOBILE, result=ContactCheckResult.CONFIRMED),
                ContactCheck(field=ContactField.ADDRESS, result=ContactCheckResult.CONFIRMED),
            ],
            transaction_checks=[
                TransactionCheck(transaction_id=tx.id, answer=TransactionAnswer.CONFIRMED)
            ],
            features=[
                FeatureUse(feature=Feature.MOBILE_BANKING, in_use=True, problem="转账时偶尔卡顿")
            ],
            fraud_warning_delivered=True,
            security_tips_delivered=True,
            satisfaction=(3, 4)[n],
            escalations=[escalation],
            notes="已告知客户将在处理后回复",
        )


_RISK_WEIGHTS = (RiskLevel.LOW, RiskLevel.NORMAL, RiskLevel.NORMAL, RiskLevel.NORMAL)


def _split(entry: str) -> tuple[str, str]:
    return entry[0], entry[1:]


def _org_value(char: str) -> int:
    return int(char) if char.isdigit() else ord(char) - ord("A") + 10
