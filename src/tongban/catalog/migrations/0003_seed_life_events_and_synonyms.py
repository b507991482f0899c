"""Starting life events (browse order, English names) and everyday-phrase synonyms; operators edit both."""

from django.db import migrations

LIFE_EVENTS = [
    # (name, English, for legal persons)
    ("出生", "Birth", False),
    ("上学", "Education", False),
    ("就业", "Employment", False),
    ("结婚", "Marriage", False),
    ("生育", "Having children", False),
    ("户籍", "Household registration", False),
    ("住房", "Housing", False),
    ("社会保障", "Social security", False),
    ("就医", "Medical care", False),
    ("出行", "Driving and travel", False),
    ("退休", "Retirement", False),
    ("身后事", "After a death", False),
    ("开办企业", "Starting a business", True),
    ("经营许可", "Operating licences", True),
    ("纳税缴费", "Taxes and contributions", True),
    ("工程建设", "Construction projects", True),
    ("注销企业", "Closing a business", True),
]

SYNONYMS = {
    "营业执照": ["设立登记"],
    "开公司": ["企业设立登记"],
    "上户口": ["户口登记"],
    "落户": ["户口登记"],
    "生孩子": ["出生"],
    "出生证明": ["出生医学证明"],
    "医保": ["医疗保险"],
    "社保": ["社会保险"],
    "社保卡": ["社会保障卡"],
    "公积金": ["住房公积金"],
    "驾照": ["驾驶证"],
    "身份证": ["居民身份证"],
    "结婚证": ["结婚登记"],
    "养老金": ["基本养老保险"],
}


def seed(apps, schema_editor):
    LifeEvent = apps.get_model("catalog", "LifeEvent")
    Synonym = apps.get_model("catalog", "Synonym")
    for position, (name, name_en, for_legal) in enumerate(LIFE_EVENTS, start=1):
        LifeEvent.objects.update_or_create(
            name=name, defaults={"name_en": name_en, "position": position * 10, "for_legal": for_legal}
        )
    for term, expansions in SYNONYMS.items():
        Synonym.objects.get_or_create(term=term, defaults={"expansions": expansions})


def unseed(apps, schema_editor):
    apps.get_model("catalog", "Synonym").objects.filter(term__in=SYNONYMS).delete()
    apps.get_model("catalog", "LifeEvent").objects.filter(name__in=[n for n, _, _ in LIFE_EVENTS]).delete()


class Migration(migrations.Migration):
    dependencies = [("catalog", "0002_search_backends")]

    operations = [migrations.RunPython(seed, unseed)]
