"""The demo logins (one per role) and the account managers who own the rest of the portfolio."""

from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group

from accounts import access
from accounts.demo.context import DemoContext
from accounts.models import User

DEMO_PASSWORD = "kam-demo-2026"


@dataclass(frozen=True)
class DemoPerson:
    username: str
    last_name: str
    first_name: str
    role: str
    email: str


DEMO_LOGINS = (
    DemoPerson("manager", "张", "伟", access.ACCOUNT_MANAGER, "zhang.wei@example.com"),
    DemoPerson("manager2", "李", "娜", access.ACCOUNT_MANAGER, "li.na@example.com"),
    DemoPerson("director", "王", "芳", access.SALES_DIRECTOR, "wang.fang@example.com"),
    DemoPerson("admin", "赵", "磊", access.KAM_ADMIN, "zhao.lei@example.com"),
)
# Own the bulk of the accounts, so the two demo managers keep a portfolio one person could run.
EXTRA_MANAGERS = tuple(
    DemoPerson(username, last, first, access.ACCOUNT_MANAGER, f"{username}@example.com")
    for username, last, first in (
        ("liu.yang", "刘", "洋"),
        ("chen.jing", "陈", "静"),
        ("yang.fan", "杨", "帆"),
        ("huang.min", "黄", "敏"),
        ("zhou.qiang", "周", "强"),
        ("wu.xia", "吴", "霞"),
        ("xu.lei", "徐", "磊"),
        ("sun.li", "孙", "丽"),
    )
)
DEMO_PEOPLE = DEMO_LOGINS + EXTRA_MANAGERS
DEMO_MANAGERS = ("manager", "manager2")


def create_demo_users(context: DemoContext) -> dict[str, int]:
    # Hashing is slow on purpose; one hash serves every demo user (same password, same salt).
    password = make_password(DEMO_PASSWORD)
    groups = {name: Group.objects.get_or_create(name=name)[0] for name in access.ROLES}
    for person in DEMO_PEOPLE:
        user = User.objects.filter(username=person.username).first() or User(
            username=person.username
        )
        user.first_name = person.first_name
        user.last_name = person.last_name
        user.email = person.email
        user.language = ""
        user.is_active = True
        user.is_staff = user.is_superuser = person.role == access.KAM_ADMIN
        user.password = password
        user.save()
        user.groups.set([groups[person.role]])
        context.users[person.username] = user
    return {"users": len(DEMO_PEOPLE)}
